// The monitoring pages' charts, from the JSON the page embeds as #chart-data (a static file, not an
// inline script: the content security policy runs only the site's own files).
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var SEVERITY_COLORS = {"明确违规": "#b3261e", "可疑": "#e6a23c"};
  function money(v) { return Number(v).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}); }
  // SVG, not canvas: the labels are text the browser lays out (and a test can read), sharp when printed.
  function init(id, height) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    if (height) { node.style.height = height + "px"; }
    var chart = echarts.init(node, null, {renderer: "svg"});
    charts.push(chart);
    node.setAttribute("data-chart", "ready");
    return chart;
  }
  // Rules down the side, one row each: side by side under the bars, 17 labels had to be turned and
  // the first ones were cut off at the chart's edge ("01 限定性别").
  function countsAndAmounts(id, rows) {
    if (!rows || !rows.length) { init(id); return; }
    var chart = init(id, Math.max(320, 90 + rows.length * 34));
    if (!chart) { return; }
    chart.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {data: ["疑点数", "金额（元）"], top: 0},
      grid: {left: 12, right: 28, top: 56, bottom: 28, containLabel: true},
      yAxis: {type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
              axisLabel: {interval: 0}},
      xAxis: [{type: "value", name: "疑点数", nameLocation: "middle", nameGap: 24, minInterval: 1, position: "bottom"},
              {type: "value", name: "金额（元）", nameLocation: "middle", nameGap: 24, position: "top",
               splitLine: {show: false}}],
      series: [
        {name: "疑点数", type: "bar", barMaxWidth: 14, data: rows.map(function (r) { return r.n; })},
        {name: "金额（元）", type: "bar", xAxisIndex: 1, barMaxWidth: 14, data: rows.map(function (r) { return r.amount; }),
         tooltip: {valueFormatter: money}}
      ]
    });
  }
  function topAmounts(id, rows) {
    var chart = init(id);
    if (!chart || !rows || !rows.length) { return; }
    var shown = rows.slice().reverse();
    chart.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: money},
      grid: {left: 12, right: 64, top: 16, bottom: 28, containLabel: true},
      xAxis: {type: "value", name: "金额（元）", nameLocation: "middle", nameGap: 24},
      yAxis: {type: "category", data: shown.map(function (r) { return r.label + "（" + r.n + "条）"; })},
      series: [{name: "疑点金额", type: "bar", barMaxWidth: 32, data: shown.map(function (r) { return r.amount; }), label: {show: true, position: "right", formatter: function (p) { return money(p.value); }}}]
    });
  }
  function pie(id, rows) {
    var chart = init(id);
    if (!chart || !rows || !rows.length) { return; }
    chart.setOption({
      tooltip: {trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " 条（" + p.percent + "%）"; }},
      legend: {bottom: 0},
      series: [{name: "性质", type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) {
        return {name: r.label, value: r.n, itemStyle: {color: SEVERITY_COLORS[r.label] || "#1f4e8c"}};
      })}]
    });
  }
  countsAndAmounts("chart-rules", data.rules);
  topAmounts("chart-institutions", data.institutions);
  pie("chart-severity", data.severity);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
