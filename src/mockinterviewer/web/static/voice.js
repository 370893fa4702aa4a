// Voice in the browser interview (voice.html): the interviewer's words spoken by the server (espeak-ng) or
// by the browser's own speech synthesis, as the candidate chooses; and the candidate's answer recorded
// (push-to-talk, or hands-free), uploaded with the CSRF token, transcribed on the server and put in the
// answer box for correction; Send then commits it with its recording. Hands-free, each new piece of the
// recording goes to the server while it records, and the server says when the answer is over by the
// terminal's own rule (Silero VAD: the thinking time of silence after speech ends it, a shorter pause does
// not). Whatever fails (no microphone, a denied permission, an unsupported browser, a failed upload, a
// server without a voice) says so in plain words and leaves the answer box for typing; nothing typed is
// replaced.
(function () {
  "use strict";
  var panel = document.getElementById("voice");
  var form = document.getElementById("reply");
  if (!panel || !form) {
    return;
  }
  var answer = form.querySelector("textarea[name=text]");
  var tokenField = document.getElementById("voice-token");
  var recordButton = document.getElementById("voice-record");
  var handsFree = document.getElementById("voice-hands-free");
  var voiceOut = document.getElementById("voice-out");
  var player = document.getElementById("voice-player");
  var sayAgain = document.getElementById("voice-say-again");
  var statusLine = document.getElementById("voice-status");
  var sendButton = form.querySelector("button[value=send]");
  var csrf = form.querySelector("input[name=csrf]").value;
  var maxSeconds = parseFloat(panel.dataset.maxSeconds) || 600;
  var silenceSeconds = parseFloat(panel.dataset.silenceSeconds) || 3;
  var SPEAK_KEY = "mockinterviewer.speak";  // "0": the interviewer's words were not to be read aloud (before VOICE_KEY)
  var VOICE_KEY = "mockinterviewer.voice";  // "server", "browser" or "off"
  var HANDS_FREE_KEY = "mockinterviewer.handsFree";
  var PIECE_MS = 500;  // how often the recording hands over a piece (and, hands-free, the server checks it)
  panel.hidden = false;

  function tell(text, problem) { // a problem is the red alert, as the server's own error line is
    statusLine.textContent = text;
    statusLine.classList.toggle("problem", Boolean(problem));
    statusLine.classList.toggle("error", Boolean(problem));
    statusLine.setAttribute("role", problem ? "alert" : "status");
  }

  function typeInstead(text) {
    tell(text + " You can type your answer instead.", true);
    answer.focus();
  }

  // -- the interviewer's words, spoken --------------------------------------------------------------
  // By the server (espeak-ng: an <audio> element playing /interviews/{id}/speech), by the browser's own
  // speech synthesis, or not at all: the candidate's choice, kept in this browser. The server's voice is the
  // first choice where the server has one; when it fails, the page says why and the browser's voice (if
  // any) reads the words instead.

  var browserVoice = Boolean(window.speechSynthesis && window.SpeechSynthesisUtterance);
  var serverVoice = panel.dataset.serverVoice === "1";

  function lastInterviewerWords() {
    var turns = document.querySelectorAll("article.turn");
    var words = [];
    for (var i = turns.length - 1; i >= 0; i -= 1) {
      if (!turns[i].classList.contains("interviewer")) {
        break;
      }
      var text = turns[i].querySelector(".text");
      if (text) {
        words.unshift(text.textContent);
      }
    }
    return words.join("\n");
  }

  function offers(choice) {
    return choice === "off" || (choice === "server" ? serverVoice : browserVoice);
  }

  function firstChoice() {
    var kept = window.localStorage.getItem(VOICE_KEY);
    if (kept === null && window.localStorage.getItem(SPEAK_KEY) === "0") {
      kept = "off";  // the tick box that came before the choice
    }
    if (kept && offers(kept)) {
      return kept;
    }
    return serverVoice ? "server" : (browserVoice ? "browser" : "off");
  }

  function hush() {
    player.pause();
    if (browserVoice) {
      window.speechSynthesis.cancel();
    }
  }

  function speakInBrowser(words) {
    if (!browserVoice || !words) {
      return;
    }
    window.speechSynthesis.cancel();
    var utterance = new window.SpeechSynthesisUtterance(words);
    utterance.lang = "en-US";
    utterance.onerror = function (event) {
      if (event.error === "not-allowed") {
        tell("Press \u201cRead aloud again\u201d to hear the question.", false);
      }
    };
    window.speechSynthesis.speak(utterance);
  }

  // Opus in Ogg, about a tenth of the WAV's size, where this browser plays it
  function speechAddress() {
    var base = panel.dataset.speech;
    if (!player.canPlayType || !player.canPlayType('audio/ogg; codecs="opus"')) {
      return base;
    }
    return base + (base.indexOf("?") < 0 ? "?" : "&") + "format=ogg";
  }

  function speakOnServer() {
    if (player.getAttribute("src") !== speechAddress()) {
      player.src = speechAddress();
    } else {
      player.currentTime = 0;
    }
    var playing = player.play();
    if (playing && playing.catch) {
      playing.catch(function (error) {  // a failed download is told by the error event below
        if (error && error.name === "NotAllowedError") {
          tell("Press \u201cRead aloud again\u201d to hear the question.", false);
        }
      });
    }
  }

  // The server's sound did not come: its message says why (the element cannot), then the browser speaks.
  player.addEventListener("error", function () {
    if (!player.getAttribute("src")) {
      return;
    }
    fetch(speechAddress(), {credentials: "same-origin"}).then(function (response) {
      return response.json().then(function (data) { return data.error; }, function () {
        return "The server answered " + response.status + ".";
      });
    }, function () {
      return "No connection to the server.";
    }).then(function (why) {
      why = why || "The server's voice could not be played.";
      tell(why + (browserVoice ? " The browser's voice reads the words instead." : ""), true);
      player.removeAttribute("src");
      speakInBrowser(lastInterviewerWords());
    });
  });

  function speak() {
    hush();
    var words = lastInterviewerWords();
    if (!words || voiceOut.value === "off") {
      return;
    }
    if (voiceOut.value === "server") {
      speakOnServer();
    } else {
      speakInBrowser(words);
    }
  }

  Array.prototype.forEach.call(voiceOut.options, function (option) {
    if (!offers(option.value)) {
      option.disabled = true;
      option.textContent += option.value === "server" ? " (not on this server)" : " (not in this browser)";
    }
  });
  voiceOut.value = firstChoice();
  sayAgain.hidden = voiceOut.value === "off";
  handsFree.checked = window.localStorage.getItem(HANDS_FREE_KEY) === "1";
  voiceOut.addEventListener("change", function () {
    window.localStorage.setItem(VOICE_KEY, voiceOut.value);
    sayAgain.hidden = voiceOut.value === "off";
    speak();
  });
  handsFree.addEventListener("change", function () {
    window.localStorage.setItem(HANDS_FREE_KEY, handsFree.checked ? "1" : "0");
  });
  sayAgain.addEventListener("click", speak);
  speak();

  // -- recording -------------------------------------------------------------------------------------

  var recorder = null;
  var stream = null;
  var chunks = [];
  var timers = [];
  // hands-free: {id, sent, pending, busy, stopping, whenIdle} of the recording the server listens to (and
  // transcribes, part by part); null when push-to-talk, or when the server cannot be asked
  var listening = null;
  var nobodySpoke = false;

  function supported() {
    return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  }

  function micProblem(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "The microphone is blocked for this page (allow it in the browser's site settings to answer aloud).";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "No microphone was found.";
    }
    if (name === "NotReadableError") {
      return "The microphone is in use by another program.";
    }
    return "The microphone could not be opened (" + (name || "unknown error") + ").";
  }

  function stopTimers() {
    timers.forEach(function (id) { window.clearTimeout(id); });
    timers = [];
  }

  // A form posted for JSON: the data, or an Error with the server's message (`offline` when none came back).
  function postForm(url, body, offline) {
    return fetch(url, {method: "POST", body: body, credentials: "same-origin"}).catch(function () {
      throw new Error(offline);
    }).then(function (response) {
      return response.json().catch(function () {
        return {error: "The server answered " + response.status + "."};
      }).then(function (data) {
        if (!response.ok || data.error) {
          var refused = new Error(data.error || ("The server answered " + response.status + "."));
          refused.status = response.status;
          throw refused;
        }
        return data;
      });
    });
  }

  function recordingId() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Hands-free: the pieces recorded since the last verdict go to the server, one post at a time; it answers
  // whether the answer is over (or nobody spoke within its wait). If it cannot be asked, recording goes on
  // and the candidate is told to press Stop.
  function pieceOf(watch) {
    var body = new FormData();
    body.append("csrf", csrf);
    body.append("recording", watch.id);
    body.append("offset", String(watch.sent));
    body.append("piece", new Blob(watch.pending, {type: watch.type}), "piece.webm");
    watch.pending = [];
    return body;
  }

  function listenAgain() {
    var watch = listening;
    if (!watch || watch.busy || watch.stopping || !watch.pending.length) {
      return;
    }
    var size = watch.pending.reduce(function (sum, part) { return sum + part.size; }, 0);
    watch.busy = true;
    postForm(panel.dataset.listen, pieceOf(watch), "no connection to the server.").then(function (verdict) {
      watch.sent += size;
      watch.busy = false;
      if (watch.whenIdle) {
        watch.whenIdle();
      } else if (listening !== watch) {
        return;
      } else if (verdict.over) {
        nobodySpoke = Boolean(verdict.no_speech);
        stop();
      } else {
        listenAgain();
      }
    }).catch(function (error) {
      watch.busy = false;
      watch.broken = true;
      if (watch.whenIdle) {
        watch.whenIdle();
      } else if (listening === watch) {
        listening = null;
        tell("The end of the answer cannot be heard: " + error.message + " Press \u201cStop and transcribe\u201d " +
          "when you are done.", true);
      }
    });
  }

  function start() {
    if (!supported()) {
      typeInstead(window.isSecureContext === false
        ? "Recording needs a secure page (https, or the server on this computer)."
        : "This browser cannot record audio.");
      return;
    }
    recordButton.disabled = true;
    tell("Opening the microphone\u2026", false);
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (opened) {
      stream = opened;
      chunks = [];
      var options = {audioBitsPerSecond: 32000};
      if (window.MediaRecorder.isTypeSupported && window.MediaRecorder.isTypeSupported("audio/webm;codecs=opus")) {
        options.mimeType = "audio/webm;codecs=opus";
      }
      recorder = new window.MediaRecorder(stream, options);
      listening = handsFree.checked ? {id: recordingId(), sent: 0, pending: [], busy: false, stopping: false,
        whenIdle: null, type: recorder.mimeType || "audio/webm"} : null;
      nobodySpoke = false;
      recorder.ondataavailable = function (event) {
        if (event.data && event.data.size) {
          chunks.push(event.data);
          if (listening) {
            listening.pending.push(event.data);
            listenAgain();
          }
        }
      };
      recorder.onstop = finished;
      recorder.start(PIECE_MS);
      hush();
      recordButton.disabled = false;
      recordButton.textContent = "Stop and transcribe";
      recordButton.classList.add("recording");
      tell(handsFree.checked
        ? "Recording\u2026 answer aloud; " + silenceSeconds + " s of silence ends the answer."
        : "Recording\u2026 press \u201cStop and transcribe\u201d when you are done.", false);
      timers.push(window.setTimeout(stop, maxSeconds * 1000));
    }).catch(function (error) {
      recordButton.disabled = false;
      typeInstead(micProblem(error));
    });
  }

  function stop() {
    stopTimers();
    if (listening) {
      listening.stopping = true;  // what is left goes with the end of the recording (see finished)
    }
    if (recorder && recorder.state !== "inactive") {
      recorder.stop();
    }
  }

  function finished() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    recordButton.textContent = "Record answer";
    recordButton.classList.remove("recording");
    var blob = new Blob(chunks, {type: (recorder && recorder.mimeType) || "audio/webm"});
    recorder = null;
    if (!blob.size) {
      typeInstead("Nothing was recorded.");
      return;
    }
    var watch = listening;
    listening = null;
    if (nobodySpoke) {
      typeInstead("No speech was heard, so nothing was transcribed. Record again when you are ready.");
      return;
    }
    recordButton.disabled = true;
    tell("Transcribing\u2026", false);
    if (watch) {
      finishListening(watch, blob);
    } else {
      upload(blob);
    }
  }

  function showTranscript(data) {
    var typed = answer.value.trim();
    answer.value = typed ? typed + "\n" + data.text : data.text;
    tokenField.value = data.token;
    sendButton.formAction = panel.dataset.commit;
    tell("Check the transcript in the answer box, correct it if needed, then Send (or record again).", false);
    answer.focus();
    recordButton.disabled = false;
  }

  // Hands-free, the server has the recording and its transcript up to the last pause: only the last piece
  // goes, once the piece before it is answered. If the server lost track of it (or could not be reached),
  // the whole recording goes; if it heard no words in it, the page says so.
  function finishListening(watch, blob) {
    if (watch.busy) {
      watch.whenIdle = function () { finishListening(watch, blob); };
      return;
    }
    if (watch.broken) {
      upload(blob);
      return;
    }
    postForm(panel.dataset.finish, pieceOf(watch), "no connection to the server.").then(showTranscript,
      function (error) {
        if (error.status === 400) {
          typeInstead("The recording could not be transcribed: " + error.message);
          recordButton.disabled = false;
        } else {
          upload(blob);
        }
      });
  }

  function upload(blob) {
    var body = new FormData();
    body.append("csrf", csrf);
    body.append("audio", blob, "answer.webm");
    recordButton.disabled = true;
    tell("Transcribing\u2026", false);
    postForm(panel.dataset.upload, body, "the upload failed (no connection to the server).").then(showTranscript)
      .catch(function (error) {
        typeInstead("The recording could not be transcribed: " + error.message);
        recordButton.disabled = false;
      });
  }

  // A transcribed answer is sent as a plain post to the commit address (with its recording's token), even
  // where another script of the page would send the form its own way (stream.js, with a model).
  document.addEventListener("submit", function (event) {
    if (event.target === form && tokenField.value && event.submitter === sendButton) {
      event.stopImmediatePropagation();
    }
  }, true);

  recordButton.addEventListener("click", function () {
    if (recorder) {
      stop();
    } else {
      start();
    }
  });
})();
