/* Draw each figure's interactive chart from the Vega-Lite spec it carries, with the
   vega-embed bundle inlined once above. The static SVG stays until the interactive chart
   has drawn, so a reader whose browser fails here still sees the chart. */
(function () {
  "use strict";
  const options = { renderer: "svg", actions: false };
  for (const figure of document.querySelectorAll("figure.chart")) {
    const spec = figure.querySelector("script.chart-spec");
    const view = figure.querySelector(".chart-view");
    if (!spec || !view) continue;
    vegaEmbed(view, JSON.parse(spec.textContent), options)
      .then(function () { figure.classList.add("chart-interactive"); })
      .catch(function (error) { console.error("Figure not drawn interactively:", error); });
  }
})();
