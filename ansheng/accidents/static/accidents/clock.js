/* 安生: live countdowns of the accident reporting clock. Each element with data-deadline (ISO 8601) shows the time
   left ("剩余 …") or past ("已超时 …"); the server's clock is the reference (data-now on the container). */
(function () {
  "use strict";
  var skew = 0;
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function parts(total) {
    var d = Math.floor(total / 86400), h = Math.floor(total % 86400 / 3600), m = Math.floor(total % 3600 / 60),
      s = total % 60;
    var out = [];
    if (d) out.push(d + (zh ? "天" : "d "));
    if (h) out.push(h + (zh ? "小时" : "h "));
    if (m || d || h) out.push(m + (zh ? "分" : "min "));
    if (!d && !h) out.push(s + (zh ? "秒" : "s"));
    return out.join("").trim();
  }
  function render(el) {
    var deadline = Date.parse(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    var left = Math.round((deadline - (Date.now() + skew)) / 1000);
    var overdue = left < 0;
    var text = parts(Math.abs(left));
    el.textContent = overdue ? (zh ? "已超时 " : "overdue by ") + text : (zh ? "剩余 " : "") + text + (zh ? "" : " left");
    el.classList.toggle("overdue", overdue);
    el.classList.toggle("soon", !overdue && left < 1800);
  }
  function sync(root) {
    var holder = (root || document).querySelector("[data-now]");
    if (holder) {
      var server = Date.parse(holder.getAttribute("data-now"));
      if (!isNaN(server)) skew = server - Date.now();
    }
  }
  function tick() {
    var els = document.querySelectorAll("[data-deadline]");
    for (var i = 0; i < els.length; i++) render(els[i]);
  }
  sync(document);
  tick();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", function (event) { sync(event.target); tick(); });
})();
