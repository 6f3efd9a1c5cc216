/* The video player (media/_player.html), made better when JavaScript runs:
   - the transcript's timestamps become buttons that seek the video and play it;
   - the line being spoken is highlighted, and kept in view inside the transcript panel
     (only while the panel is open: the page itself never scrolls on its own);
   - "Lower quality for weak Wi-Fi" switches to the 360p file at the same moment, and is
     switched on from the start when the browser says data is scarce (Save-Data, 2G, 3G).
   Without it the page still has the browser's own player, the captions and the transcript. */
(function () {
  "use strict";

  if (window.staffroomVideoPlayer) {
    return;  // the template may be included more than once on a page
  }
  window.staffroomVideoPlayer = true;

  var CURRENT = "transcript__cue--current";

  function connectionIsWeak() {
    var connection = navigator.connection;
    if (!connection) {
      return false;
    }
    return connection.saveData === true ||
      ["slow-2g", "2g", "3g"].indexOf(connection.effectiveType) !== -1;
  }

  function playQuietly(video) {
    var playing = video.play();
    if (playing && playing.catch) {
      playing.catch(function () { /* the browser refused: its own controls remain */ });
    }
  }

  /* Change the file, keeping the moment and whether it was playing. */
  function switchSource(video, url) {
    var started = video.currentSrc !== "" && video.readyState > 0;
    var time = video.currentTime;
    var wasPlaying = !video.paused && !video.ended;
    if (url) {
      video.setAttribute("src", url);  // the src attribute wins over the <source> list
    } else {
      video.removeAttribute("src");  // back to the <source> list (picked by screen width)
    }
    video.load();
    if (!started) {
      return;
    }
    video.addEventListener("loadedmetadata", function resume() {
      video.removeEventListener("loadedmetadata", resume);
      video.currentTime = time;
      if (wasPlaying) {
        playQuietly(video);
      }
    });
  }

  function setUpQuality(figure, video) {
    var options = figure.querySelector("[data-video-options]");
    var button = figure.querySelector("[data-video-low-quality]");
    var lowUrl = video.getAttribute("data-low-src");
    if (!options || !button || !lowUrl) {
      return;
    }
    options.hidden = false;
    function choose(low, move) {
      button.setAttribute("aria-pressed", low ? "true" : "false");
      if (move) {
        switchSource(video, low ? lowUrl : null);
      }
    }
    button.addEventListener("click", function () {
      choose(button.getAttribute("aria-pressed") !== "true", true);
    });
    if (connectionIsWeak()) {
      choose(true, true);
    }
  }

  function setUpTranscript(figure, video) {
    var details = figure.querySelector("[data-transcript]");
    var panel = details && details.querySelector(".transcript__panel");
    if (!panel) {
      return;
    }
    var label = panel.getAttribute("data-seek-label") || "%(time)s";
    var cues = Array.prototype.slice.call(panel.querySelectorAll(".transcript__cue"));
    if (!cues.length) {
      return;
    }
    var times = cues.map(function (cue) {
      return {
        start: parseFloat(cue.getAttribute("data-start")) || 0,
        end: parseFloat(cue.getAttribute("data-end")) || 0
      };
    });

    cues.forEach(function (cue, index) {
      var stamp = cue.querySelector(".transcript__time");
      if (!stamp) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "transcript__seek";
      button.textContent = stamp.textContent;
      button.setAttribute("aria-label", label.replace("%(time)s", stamp.textContent));
      button.addEventListener("click", function () {
        video.currentTime = times[index].start;
        playQuietly(video);
      });
      stamp.replaceWith(button);
    });

    var current = -1;

    function keepInView(cue) {
      if (!details.open) {
        return;
      }
      var top = cue.offsetTop;
      var bottom = top + cue.offsetHeight;
      if (top < panel.scrollTop || bottom > panel.scrollTop + panel.clientHeight) {
        panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
      }
    }

    function highlight() {
      var time = video.currentTime;
      var found = -1;
      for (var i = 0; i < times.length; i += 1) {
        if (times[i].start <= time && time < times[i].end) {
          found = i;
          break;
        }
      }
      if (found === current) {
        return;
      }
      if (current !== -1) {
        cues[current].classList.remove(CURRENT);
      }
      current = found;
      if (found !== -1) {
        cues[found].classList.add(CURRENT);
        keepInView(cues[found]);
      }
    }

    video.addEventListener("timeupdate", highlight);
    video.addEventListener("seeked", highlight);
    details.addEventListener("toggle", function () {
      if (current !== -1) {
        keepInView(cues[current]);
      }
    });
  }

  function setUp(root) {
    var figures = Array.prototype.slice.call(root.querySelectorAll("[data-video-player]"));
    if (root.matches && root.matches("[data-video-player]")) {
      figures.push(root);
    }
    figures.forEach(function (figure) {
      if (figure.hasAttribute("data-video-enhanced")) {
        return;
      }
      figure.setAttribute("data-video-enhanced", "");
      var video = figure.querySelector("video");
      if (!video) {
        return;
      }
      setUpQuality(figure, video);
      setUpTranscript(figure, video);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  // A player swapped in by htmx (the editor's preview) is set up too.
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
}());
