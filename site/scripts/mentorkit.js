/* mentorkit: small accessibility fixes on every page of a generated site. */
(function () {
  // A table wider than the screen scrolls sideways: make its scrolling box reachable and
  // scrollable with the keyboard, and name it after the heading above it. Where headings
  // repeat (the Agenda of every session of a whole topic), the name also gives the heading
  // of the section it is in ("Agenda, Kick-off"), so that no two regions are named alike.
  function text(heading) {
    return heading.textContent.replace(/[¶#]\s*$/, "").trim();
  }
  function headingBefore(box, below) {
    const headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3, .md-content h4, .md-content h5, .md-content h6");
    let found = null;
    headings.forEach(function (heading) {
      const level = Number(heading.tagName[1]);
      if (level < below && (box.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_PRECEDING)) {
        found = heading;
      }
    });
    return found;
  }
  function tables() {
    const used = new Set();
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (box.hasAttribute("aria-label")) return used.add(box.getAttribute("aria-label"));
      let heading = headingBefore(box, 7);
      let name = heading ? text(heading) : document.title;
      while (used.has(name) && heading) {
        heading = headingBefore(heading, Number(heading.tagName[1]));
        if (heading) name = name + ", " + text(heading);
      }
      for (let n = 2, base = name; used.has(name); n++) name = base + " (" + n + ")";
      used.add(name);
      box.setAttribute("aria-label", name);
    });
  }
  // A section of the navigation that has a page of its own (a track, a topic) is named by
  // its toggle, which shows an arrow only: every such list was a navigation landmark with
  // no name, and a screen reader listed several alike. Each is named after its section.
  function sections() {
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      const toggle = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (toggle && toggle.textContent.trim()) return;
      const title = nav.querySelector(":scope > .md-nav__title");
      const name = title ? title.textContent.trim() : "";
      if (!name) return;
      nav.removeAttribute("aria-labelledby"); // it would win over aria-label, even empty
      nav.setAttribute("aria-label", name);
    });
  }
  // The table of contents of a whole topic repeats the headings of every session (each has
  // its Activities, its Handouts), and each of its lists is a navigation landmark named by
  // its heading: a repeated name also gives the section it is in ("Handouts, Kick-off").
  function unique() {
    const used = new Set();
    document.querySelectorAll("nav[aria-label]").forEach(function (nav) {
      let name = nav.getAttribute("aria-label");
      for (let up = nav.parentElement.closest("nav[aria-label]"); used.has(name) && up; up = up.parentElement.closest("nav[aria-label]")) {
        name = name + ", " + up.getAttribute("aria-label");
      }
      for (let n = 2, base = name; used.has(name); n++) name = base + " (" + n + ")";
      used.add(name);
      nav.setAttribute("aria-label", name);
    });
  }
  function fix() {
    tables();
    sections();
    unique();
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(fix);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
