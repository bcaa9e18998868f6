/* The room view: start reveal.js, and show the block timer. The timer follows the run of
   show's clock times (data-start / data-end on its rows) and this computer's clock: the
   block on now, and the minutes left in it. T shows or hides it; S starts the run of show
   now (for a group that starts late, or a practice run); F is full screen. */
(function () {
  Reveal.initialize({ width: 1920, height: 1080, margin: 0.03, minScale: 0.2, maxScale: 2.0, hash: true,
    controls: true, progress: true, slideNumber: "c/t", center: false, transition: "none", embedded: false,
    keyboard: { 84: function () { toggleTimer(); }, 83: function () { startNow(); } } });
  var box = document.getElementById("room-timer");
  var keys = document.getElementById("room-keys");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.room-run tr[data-start]"));
  var blocks = rows.map(function (row) {
    return { row: row, start: Date.parse(row.getAttribute("data-start")), end: Date.parse(row.getAttribute("data-end")),
      title: row.cells[1].textContent, clock: row.cells[0].textContent };
  });
  var hidden = false, shift = 0;  // shift: how far the group runs behind the printed clock times
  function startNow() { if (blocks.length) { shift = Date.now() - blocks[0].start; hidden = false; draw(); } }
  function toggleTimer() { hidden = !hidden; draw(); }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function left(ms) {
    var s = Math.max(0, Math.round(ms / 1000)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + two(m) : m) + ":" + two(s % 60);
  }
  function draw() {
    if (!blocks.length) { box.hidden = true; return; }
    var now = Date.now() - shift, first = blocks[0], last = blocks[blocks.length - 1], text = "", rest = "";
    blocks.forEach(function (b) { b.row.classList.toggle("room-now", now >= b.start && now < b.end); });
    if (now < first.start && first.start - now < 12 * 3600 * 1000) {
      text = "We start at " + first.clock; rest = "";
    } else if (now >= first.start && now < last.end) {
      var b = blocks.filter(function (x) { return now >= x.start && now < x.end; })[0];
      text = "Now: " + b.title; rest = left(b.end - now) + " left";
    }
    box.querySelector(".room-timer-now").textContent = text;
    box.querySelector(".room-timer-left").textContent = rest;
    box.hidden = hidden || !text;
  }
  // The keys are said once, on the first slide; any key or click puts the hint away.
  function hideKeys() { if (keys) { keys.classList.add("room-hidden"); } }
  document.addEventListener("keydown", hideKeys);
  document.addEventListener("click", hideKeys);
  draw();
  setInterval(draw, 1000);
})();
