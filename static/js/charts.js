// Draw every Plotly figure on the page from the JSON the server put beside it (json_script).
// No inline script: the figures travel as data, and this one file draws them all.
document.querySelectorAll("[data-figure]").forEach((element) => {
  const source = document.getElementById(element.dataset.figure);
  if (!source || typeof Plotly === "undefined") {
    return;
  }
  const figure = JSON.parse(source.textContent);
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
  });
});
