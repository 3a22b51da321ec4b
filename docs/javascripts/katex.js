// Renders the maths that pymdownx.arithmatex (generic mode) marks, with the KaTeX shipped in
// docs/vendor/katex: \( ... \) inline and \[ ... \] displayed, inside elements of class
// "arithmatex" only, so that a backslash-parenthesis elsewhere in a page stays text.
function renderMaths(root) {
  root.querySelectorAll(".arithmatex").forEach((element) => {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  });
}

// The theme's instant navigation loads pages without a full reload and announces each one
// on document$; without the theme's script, render once the page has loaded.
if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => renderMaths(body));
} else {
  document.addEventListener("DOMContentLoaded", () => renderMaths(document.body));
}
