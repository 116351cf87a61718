/* mentorkit: every page of a generated site notes where the site's root is, for its 404
   page. A server shows that page at whatever address was asked for, and it finds the
   root by asking folders above the address for their 404.html (generator/site.py,
   _FIND_ROOT); each folder that is not the root answers 404, an error in the browser's
   console. A reader who has read a page of the site gets the root at the first ask. */
(function () {
  var script = document.currentScript;
  if (!/^https?:$/.test(location.protocol) || !script || !script.src) return;
  var root = new URL("../", script.src).href; // this file is scripts/mentorkit.js
  try {
    var roots = JSON.parse(localStorage.getItem("mentorkit.roots") || "[]");
    roots = [root].concat(roots.filter(function (known) { return known !== root; }));
    localStorage.setItem("mentorkit.roots", JSON.stringify(roots.slice(0, 8)));
  } catch (error) {
    // No storage (private mode, a policy): the 404 page asks every folder instead.
  }
})();
