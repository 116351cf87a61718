/* mentorkit: small accessibility fixes on every page of a generated site. */
(function () {
  // A table wider than the screen scrolls sideways: make its scrolling box reachable and
  // scrollable with the keyboard, and name it after the heading above it.
  function label(box) {
    for (let node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.replace(/[¶#]\s*$/, "").trim();
    }
    const heading = document.querySelector(".md-content h1");
    return heading ? heading.textContent.replace(/[¶#]\s*$/, "").trim() : document.title;
  }
  function tables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", label(box));
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(tables);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tables);
  } else {
    tables();
  }
})();
