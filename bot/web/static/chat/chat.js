/* Magnetic Factors web chat: sends messages to /chat/api/message, keeps the chat in this browser, and renders
   every text with textContent (never as HTML). No libraries, no requests to any other site.
   Languages: the page's own words come from #chat-strings (bot/web/static/chat/strings.json); each bot message
   carries the language it is written in ("lang"), which is marked on it and which the whole page then follows;
   a passage in another language inside it ("parts") is marked on a <span lang> of its own. */
(function () {
  "use strict";

  var STORE_KEY = "mf-webchat-v1";
  var MAX_ITEMS = 400;
  var API_URL = "/chat/api/message";
  var SENDER_PATTERN = /^[0-9a-f]{32}$/;
  // Resume codes use only these consonants (bot/activity/flow.py _CODE_LETTERS): a typo never goes out as an answer.
  var CODE_PATTERN = /^\s*([BCDFGHJKLMNPQRSTVWXZ]{4})\s*-?\s*(\d{3})\s*$/i;
  var RATINGS = { strength: "+", stressor: "\u2212", both: "\u00b1", unsure: "?" };
  // The participant's words outside the six factors: body.about key, and the custom labels' key for its name.
  var ABOUT = [["work_sought", "work_sought"], ["business_name", "business"], ["hiring_role", "hiring_role"], ["barriers", "barriers"]];
  var ERRORS = ["too_long", "unavailable", "network", "too_many_codes", "bad_text", "other"];
  var STRINGS = readStrings();
  var DEFAULT_LANG = Object.prototype.hasOwnProperty.call(STRINGS, "en") ? "en" : Object.keys(STRINGS)[0];
  // The page's fixed words and where they go (the template renders them in the first language; these follow a switch).
  var PAGE_TEXTS = [
    [".skip-link", "skip"], [".site-header h1", "heading"], [".site-header > p", "tagline"], ["#conversation-heading", "conversation"],
    ["#start p", "start_text"], ["#start-button", "start"], ["label[for='message']", "message_label"], ["#send", "send"],
    ["#message-help", "message_help"], ["#resume summary", "resume_summary"], ["#resume-help", "resume_help"],
    ["label[for='resume-code']", "resume_label"], ["#resume-form button[type='submit']", "resume_button"],
    ["#forget summary", "forget_summary"], ["#forget p", "forget_text"], ["#forget-button", "forget_button"]
  ];

  var root = document.getElementById("chat");
  var log = document.getElementById("log");
  var startPanel = document.getElementById("start");
  var startButton = document.getElementById("start-button");
  var composer = document.getElementById("composer");
  var textarea = document.getElementById("message");
  var counter = document.getElementById("message-count");
  var statusLine = document.getElementById("status");
  var resumeBox = document.getElementById("resume");
  var resumeForm = document.getElementById("resume-form");
  var resumeInput = document.getElementById("resume-code");
  var resumeStatus = document.getElementById("resume-status");
  var forgetBox = document.getElementById("forget");
  var forgetButton = document.getElementById("forget-button");
  var languageSwitch = document.getElementById("language-switch");

  var answerChars = parseInt(root.getAttribute("data-answer-chars"), 10) || 4000;
  // Opened from a site's link (/s/<code>): each message names the site; the bot links a participant who has none.
  var siteCode = root.getAttribute("data-site") || "";
  // Only until the bot has answered: a participant is linked on their first turn, and never moved after it.
  function naming() {
    return siteCode && !state.items.some(function (item) { return item.from === "bot"; });
  }
  var storageWorks = true;
  var busy = false;
  var summaryCount = 0;
  var choicesShown = 0;  // numbers the ids of the multi-select hints
  var state = readStore();
  // A saved conversation keeps its language; a new one takes the link's (?lang=) or else the one the page was served in.
  if (!knownLang(state.lang) || (!state.items.length && root.hasAttribute("data-lang-asked"))) {
    state.lang = knownLang(document.documentElement.lang) ? document.documentElement.lang : DEFAULT_LANG;
  }

  // ---- languages -----------------------------------------------------------------------------
  function readStrings() {
    try {
      var parsed = JSON.parse(document.getElementById("chat-strings").textContent);
      if (parsed && typeof parsed === "object" && Object.keys(parsed).length) { return parsed; }
    } catch (e) { /* fall through */ }
    return { en: {} };
  }

  function knownLang(lang) {
    return typeof lang === "string" && Object.prototype.hasOwnProperty.call(STRINGS, lang);
  }

  // The page's words in ``lang`` (default: the conversation's language), with {name} filled in from ``values``.
  function t(key, values, lang) {
    var table = STRINGS[knownLang(lang) ? lang : state.lang] || {};
    var text = typeof table[key] === "string" ? table[key] : (STRINGS[DEFAULT_LANG] || {})[key];
    text = typeof text === "string" ? text : "";
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : whole;
    });
  }

  function number(value) {
    return value.toLocaleString(t("locale") || "en");
  }

  function otherLang() {
    var target = t("switch_to");
    return knownLang(target) && target !== state.lang ? target : Object.keys(STRINGS).filter(function (l) { return l !== state.lang; })[0];
  }

  // Everything fixed on the page follows the conversation's language; messages keep the language each was written in.
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    PAGE_TEXTS.forEach(function (pair) {
      var node = document.querySelector(pair[0]);
      if (node) { node.textContent = t(pair[1]); }
    });
    var target = otherLang();
    languageSwitch.hidden = !target;
    if (target) {
      var name = el("span", null, t("language_name", null, target));
      name.lang = target;
      languageSwitch.textContent = "";
      languageSwitch.appendChild(name);
    }
    updateCounter();
  }

  function setLanguage(lang) {
    if (!knownLang(lang) || lang === state.lang) { return; }
    state.lang = lang;
    save();
    applyLanguage();
  }

  // ---- identity and storage ------------------------------------------------------------------
  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function freshState() {
    return { v: 1, sender: newSender(), items: [], lang: state && knownLang(state.lang) ? state.lang : DEFAULT_LANG };
  }

  function readStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      if (raw) {
        var saved = JSON.parse(raw);
        if (saved && saved.v === 1 && SENDER_PATTERN.test(saved.sender) && Array.isArray(saved.items)) {
          return saved;
        }
      }
    } catch (e) {
      storageWorks = false;
    }
    return freshState();
  }

  function save() {
    if (state.items.length > MAX_ITEMS) {
      state.items = state.items.slice(state.items.length - MAX_ITEMS);
    }
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
      storageWorks = true;
    } catch (e) {
      if (storageWorks) {
        setStatus(statusLine, t("no_storage"), false);
      }
      storageWorks = false;
    }
  }

  // ---- building the page (textContent only) --------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // A message is marked with its own language, so a screen reader reads it in the right voice whatever the page is in.
  function marked(node, lang) {
    if (knownLang(lang)) { node.lang = lang; }
    return node;
  }

  // A bot message's passages in another language ("parts": [{text, lang}], together exactly its text), each in a
  // <span lang> so a screen reader switches voice for it; null when there are none (or they do not match the text).
  function languageParts(parts, text) {
    if (!Array.isArray(parts) || !parts.length) { return null; }
    var valid = parts.every(function (part) {
      return part && typeof part.text === "string" && (part.lang === undefined || typeof part.lang === "string");
    });
    if (!valid || parts.map(function (part) { return part.text; }).join("") !== text) { return null; }
    return parts.map(function (part) { return knownLang(part.lang) ? { text: part.text, lang: part.lang } : { text: part.text }; });
  }

  function textBubble(who, text, lang, parts) {
    var bubble = marked(el("div", "msg " + who), lang);
    bubble.appendChild(el("span", "visually-hidden", t(who === "user" ? "you_said" : "helper_said", null, lang)));
    var paragraph = el("p");
    var pieces = languageParts(parts, text);
    if (pieces) {
      pieces.forEach(function (part) {
        paragraph.appendChild(part.lang && part.lang !== lang ? marked(el("span", null, part.text), part.lang) : document.createTextNode(part.text));
      });
    } else {
      paragraph.textContent = text;
    }
    bubble.appendChild(paragraph);
    return bubble;
  }

  function names(factors, rating, lang) {
    var picked = factors.filter(function (f) { return f.rating === rating; }).map(function (f) { return f.name; });
    return picked.length ? picked.join(", ") : t("none", null, lang);
  }

  function summaryBlock(custom, lang) {
    var body = custom.summary && typeof custom.summary === "object" ? custom.summary : null;
    var labels = custom.labels && typeof custom.labels === "object" ? custom.labels : {};
    var factors = body && Array.isArray(body.factors) ? body.factors : null;
    if (!factors) {
      return textBubble("bot", typeof custom.text === "string" ? custom.text : "", lang);
    }
    summaryCount += 1;
    var section = marked(el("section", "summary"), lang);
    var heading = el("h3", null, custom.title || t("summary_title", null, lang));
    heading.id = "summary-" + summaryCount;
    section.setAttribute("aria-labelledby", heading.id);
    section.appendChild(heading);

    var overview = el("dl");
    var about = body.about && typeof body.about === "object" ? body.about : {};
    ABOUT.forEach(function (pair) {
      if (typeof about[pair[0]] === "string" && about[pair[0]] && typeof labels[pair[1]] === "string") {
        overview.appendChild(el("dt", null, labels[pair[1]]));
        overview.appendChild(el("dd", "about", about[pair[0]]));
      }
    });
    // Strengths and stressors always; "Both" and "Not sure" only when some factor has that rating.
    var used = function (rating) { return factors.some(function (f) { return f.rating === rating; }); };
    [["strength", labels.strengths || t("strengths", null, lang)], ["stressor", labels.stressors || t("stressors", null, lang)],
      ["both", labels.both || t("both", null, lang)], ["unsure", labels.unsure || t("unsure", null, lang)]]
      .filter(function (pair) { return pair[0] === "strength" || pair[0] === "stressor" || used(pair[0]); })
      .forEach(function (pair) {
        overview.appendChild(el("dt", null, pair[1]));
        overview.appendChild(el("dd", null, names(factors, pair[0], lang)));
      });
    var byId = {};
    factors.forEach(function (f) { byId[f.id] = f.name; });
    var priorities = (Array.isArray(body.priorities) ? body.priorities : []).map(function (id) { return byId[id]; }).filter(Boolean);
    overview.appendChild(el("dt", null, labels.priorities || t("priorities", null, lang)));
    overview.appendChild(el("dd", null, priorities.length ? priorities.join(", ") : t("none", null, lang)));
    section.appendChild(overview);

    var list = el("ul", "factors");
    factors.forEach(function (f) {
      var known = Object.prototype.hasOwnProperty.call(RATINGS, f.rating);
      var item = el("li", "factor " + (known ? "rating-" + f.rating : "rating-none"));
      item.appendChild(el("h4", null, f.name));
      var rating = el("p", "rating");
      var mark = el("span", "mark", known ? RATINGS[f.rating] : "\u2013");
      mark.setAttribute("aria-hidden", "true");
      rating.appendChild(mark);
      rating.appendChild(document.createTextNode(f.rating_label || labels.skipped || t("skipped", null, lang)));
      item.appendChild(rating);
      if (typeof f.reflection === "string" && f.reflection) {
        var words = el("blockquote", null, f.reflection);
        words.setAttribute("aria-label", t("in_your_words", null, lang));
        item.appendChild(words);
      } else {
        item.appendChild(el("p", "none", f.reflection_skipped ? (labels.skipped || t("skipped", null, lang)) : (labels.not_answered || t("not_answered", null, lang))));
      }
      list.appendChild(item);
    });
    section.appendChild(list);

    if (body.clarity_before != null || body.clarity_after != null) {
      var before = body.clarity_before != null ? body.clarity_before : "-";
      var after = body.clarity_after != null ? body.clarity_after : "-";
      section.appendChild(el("p", "clarity", t("clarity", { before: before, after: after }, lang)));
    }
    if (typeof custom.confidence_line === "string" && custom.confidence_line) {
      section.appendChild(el("p", "confidence", custom.confidence_line));
    }
    if (typeof body.closing === "string" && body.closing && typeof labels.closing === "string") {
      var closing = el("dl", "closing");
      closing.appendChild(el("dt", null, labels.closing));
      closing.appendChild(el("dd", null, body.closing));
      section.appendChild(closing);
    }
    // The participant's own copy (page and PDF): only a link into this site's /summary/ pages is followed.
    var keep = custom.keep && typeof custom.keep === "object" ? custom.keep : null;
    if (keep && typeof keep.path === "string" && /^\/summary\/[A-Za-z0-9_-]+$/.test(keep.path)) {
      var link = el("a", null, typeof keep.text === "string" ? keep.text : keep.path);
      link.href = keep.path;
      link.target = "_blank";
      link.rel = "noopener";
      var keepLine = el("p", "keep");
      keepLine.appendChild(link);
      section.appendChild(keepLine);
    }
    return section;
  }

  function itemNode(item) {
    if (item.from === "user") { return textBubble("user", item.text, item.lang); }
    if (item.custom && item.custom.type === "mf_summary") { return summaryBlock(item.custom, item.lang); }
    return textBubble("bot", item.text || "", item.lang, item.parts);
  }

  // One button per choice, numbered as the bot numbers them (SMS replies "3 4"); its label stays the button's last node.
  function choiceButton(button, index) {
    var choice = el("button", "choice");
    choice.type = "button";
    var number = String(index + 1);
    if (button.title !== number) {
      choice.appendChild(el("span", "num", number));
    }
    choice.appendChild(document.createTextNode(button.title));
    return choice;
  }

  function choicesNode(buttons, lang, limit, picked) {
    if (limit > 1) { return severalChoicesNode(buttons, lang, limit, picked); }
    var group = marked(el("div", "choices"), lang);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("choices", null, lang));
    buttons.forEach(function (button, index) {
      var choice = choiceButton(button, index);
      choice.addEventListener("click", function () {
        send(button.payload, { focusChoices: true });
      });
      group.appendChild(choice);
    });
    return group;
  }

  // A question that takes up to ``limit`` of its choices: toggle buttons (aria-pressed), then Done sends the chosen
  // ones as one reply, in the order shown ("Pay, Culture", as a participant may type it). Choosing one more than the
  // limit is refused with a note read out politely; typing in the message box (skip, help, "3 4") still works.
  // ``picked``: the payloads to show chosen again (a reply that could not be sent).
  function severalChoicesNode(buttons, lang, limit, picked) {
    choicesShown += 1;
    var group = marked(el("div", "choices several"), lang);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("choices", null, lang));
    var hint = el("p", "choices-hint", t("choose_hint", { limit: limit, done: t("choose_done", null, lang) }, lang));
    hint.id = "choices-hint-" + choicesShown;
    group.setAttribute("aria-describedby", hint.id);
    group.appendChild(hint);
    var done = el("button", "primary choices-done", t("choose_done", null, lang));
    done.type = "button";
    var note = el("p", "choices-note");
    note.setAttribute("role", "status");  // there (empty) from the start, so a screen reader announces what it later says
    var toggles = [];

    function chosen() {
      return toggles.filter(function (toggle) { return toggle.node.getAttribute("aria-pressed") === "true"; });
    }

    buttons.forEach(function (button, index) {
      var node = choiceButton(button, index);
      var tick = el("span", "tick", "\u2713");
      tick.setAttribute("aria-hidden", "true");  // the state is aria-pressed; the tick only shows it
      node.insertBefore(tick, node.firstChild);
      var toggle = { node: node, payload: button.payload };
      var again = Array.isArray(picked) && picked.indexOf(button.payload) >= 0 && chosen().length < limit;
      node.setAttribute("aria-pressed", again ? "true" : "false");
      node.addEventListener("click", function () {
        var pressed = node.getAttribute("aria-pressed") === "true";
        if (!pressed && chosen().length >= limit) {
          note.textContent = t("choose_limit", { limit: limit }, lang);
          reveal(note);  // not left under the composer on a phone
          return;
        }
        node.setAttribute("aria-pressed", pressed ? "false" : "true");
        note.textContent = "";
        done.disabled = chosen().length === 0;
      });
      toggles.push(toggle);
      group.appendChild(node);
    });
    done.disabled = chosen().length === 0;
    done.addEventListener("click", function () {
      var payloads = chosen().map(function (toggle) { return toggle.payload; });
      if (payloads.length) {
        send(payloads.join(", "), { focusChoices: true, picked: payloads });
      }
    });
    var row = el("div", "choices-confirm");
    row.appendChild(done);
    group.appendChild(row);
    group.appendChild(note);
    return group;
  }

  function lastChoices() {
    var last = state.items[state.items.length - 1];
    return last && last.from === "bot" && Array.isArray(last.buttons) && last.buttons.length ? last : null;
  }

  // Only the latest question's choices are offered: older ones would answer a question no longer asked.
  function refreshChoices(picked) {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (node) { node.remove(); });
    var question = lastChoices();
    if (question) {
      var group = choicesNode(question.buttons, question.lang, question.choose_up_to, picked);
      log.appendChild(group);
      return group;
    }
    return null;
  }

  function renderAll() {
    log.setAttribute("aria-live", "off"); // restoring the transcript is not news: do not read it all out
    log.textContent = "";
    summaryCount = 0;
    var fragment = document.createDocumentFragment();
    state.items.forEach(function (item) { fragment.appendChild(itemNode(item)); });
    log.appendChild(fragment);
    refreshChoices();
    updateStart();
    applyLanguage();
    window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 0);
  }

  function updateStart() {
    startPanel.hidden = state.items.length > 0;
  }

  function setStatus(node, text, isError) {
    node.textContent = text || "";
    node.classList.toggle("error", Boolean(isError));
  }

  function reveal(first) {
    if (!first) { return; }
    var last = log.lastElementChild;
    var limit = composer.getBoundingClientRect().top;
    if (getComputedStyle(composer).position !== "sticky") { limit = window.innerHeight; }
    var top = first.getBoundingClientRect().top;
    var overshoot = last.getBoundingClientRect().bottom - limit + 16;
    if (overshoot > 0) {
      window.scrollBy(0, Math.min(overshoot, Math.max(0, top - 16)));
    }
  }

  // ---- talking to the bot --------------------------------------------------------------------
  function toItem(message) {
    if (!message || typeof message !== "object") { return null; }
    var lang = knownLang(message.lang) ? message.lang : undefined;
    if (message.custom && typeof message.custom === "object") {
      return { from: "bot", custom: message.custom, text: typeof message.text === "string" ? message.text : "", lang: lang };
    }
    if (typeof message.text !== "string") { return null; }
    var item = { from: "bot", text: message.text, lang: lang };
    var parts = languageParts(message.parts, message.text);
    if (parts) { item.parts = parts; }  // kept with the conversation, so a reload marks the passages again
    if (Array.isArray(message.buttons)) {
      item.buttons = message.buttons
        .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
        .map(function (b) { return { title: b.title, payload: b.payload }; });
      var limit = message.choose_up_to;
      if (typeof limit === "number" && Math.floor(limit) === limit && limit > 1 && item.buttons.length > 1) {
        item.choose_up_to = Math.min(limit, item.buttons.length);  // several may be chosen, then sent with Done
      }
    }
    return item;
  }

  function errorCode(response) {
    return response.json().then(function (body) { return body && ERRORS.indexOf(body.error) >= 0 ? body.error : "other"; }, function () { return "other"; });
  }

  // Sends one message; resolves true when the bot answered, false when it was not sent.
  function send(text, options) {
    options = options || {};
    if (busy) {
      setStatus(statusLine, t("wait"), false);
      return Promise.resolve(false);
    }
    busy = true;
    composer.setAttribute("aria-busy", "true");
    setStatus(statusLine, "", false);
    // The participant's words are marked with the language the bot then reads them in (set again from its reply below).
    var userItem = { from: "user", text: text, lang: state.lang };
    state.items.push(userItem);
    save();
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (node) { node.remove(); });
    var bubble = itemNode(userItem);
    log.appendChild(bubble);
    updateStart();
    reveal(bubble);
    var slow = window.setTimeout(function () { setStatus(statusLine, t("waiting"), false); }, 1200);

    return window.fetch(API_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(naming() ? { sender: state.sender, message: text, site: siteCode } : { sender: state.sender, message: text }),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (!response.ok) { return errorCode(response).then(function (code) { throw new Error(code); }); }
      return response.json();
    }, function () {
      throw new Error("network");
    }).then(function (messages) {
      var items = (Array.isArray(messages) ? messages : []).map(toItem).filter(Boolean);
      var replyLang = items.length ? items[items.length - 1].lang : undefined;
      if (knownLang(replyLang) && replyLang !== userItem.lang) {
        userItem.lang = replyLang;  // "Bonjour" typed on the English page, "English" on the French one
        bubble.lang = replyLang;
        bubble.firstChild.textContent = t("you_said", null, replyLang);
      }
      var first = null;
      items.forEach(function (item) {
        state.items.push(item);
        var node = itemNode(item);
        log.appendChild(node);
        first = first || node;
      });
      if (knownLang(replyLang)) { state.lang = replyLang; }  // the page follows the language the bot now speaks
      save();
      applyLanguage();
      var choices = refreshChoices();
      setStatus(statusLine, "", false);
      reveal(first);
      if (options.focusChoices) {
        (choices ? choices.querySelector("button") : textarea).focus();
      }
      return true;
    }).catch(function (error) {
      // Take the unsent message back out of the chat so the conversation shows only what the bot received.
      var index = state.items.lastIndexOf(userItem);
      if (index >= 0) { state.items.splice(index, 1); }
      save();
      bubble.remove();
      updateStart();
      refreshChoices(options.picked);  // a multi-select question shows the same choices chosen, to press Done again
      setStatus(statusLine, t("error_" + (ERRORS.indexOf(error.message) >= 0 ? error.message : "other")), true);
      return false;
    }).then(function (sent) {
      window.clearTimeout(slow);
      busy = false;
      composer.removeAttribute("aria-busy");
      return sent;
    });
  }

  // ---- the message box -----------------------------------------------------------------------
  function updateCounter() {
    var length = textarea.value.length;
    var show = length > answerChars * 0.9;
    counter.hidden = !show;
    counter.textContent = show ? t("counter", { count: number(length), limit: number(answerChars) }) : "";
    counter.classList.toggle("over", length > answerChars);
  }

  function submitComposer() {
    var text = textarea.value;
    if (!text.trim()) {
      textarea.setAttribute("aria-invalid", "true");
      setStatus(statusLine, t("empty"), true);
      textarea.focus();
      return;
    }
    if (text.length > answerChars) {
      textarea.setAttribute("aria-invalid", "true");
      setStatus(statusLine, t("over_limit", { count: number(text.length), limit: number(answerChars) }), true);
      textarea.focus();
      return;
    }
    if (busy) {
      setStatus(statusLine, t("wait"), false);
      return;
    }
    textarea.value = "";
    updateCounter();
    send(text).then(function (sent) {
      if (!sent && !textarea.value) {
        textarea.value = text;
        updateCounter();
      }
    });
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    submitComposer();
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
      event.preventDefault();
      submitComposer();
    }
  });

  textarea.addEventListener("input", function () {
    textarea.removeAttribute("aria-invalid");
    if (statusLine.classList.contains("error")) { setStatus(statusLine, "", false); }
    updateCounter();
  });

  startButton.addEventListener("click", function () {
    send(t("greeting"), { focusChoices: true });  // "Bonjour" on the French page: the bot starts in French
  });

  // The visible language switch. Mid-conversation it tells the bot ("français", "English"), which saves the choice on
  // the participant and answers in that language (the page follows its reply); before the first message it only
  // changes the page, and Start then greets the bot in that language.
  languageSwitch.addEventListener("click", function () {
    var target = otherLang();
    if (!target) { return; }
    if (!state.items.length) {
      setLanguage(target);
      return;
    }
    send(t("switch_message", null, target));
  });

  // ---- continuing with a code from another device --------------------------------------------
  resumeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var match = CODE_PATTERN.exec(resumeInput.value);
    if (!match) {
      resumeInput.setAttribute("aria-invalid", "true");
      setStatus(resumeStatus, t("bad_code"), true);
      resumeInput.focus();
      return;
    }
    resumeInput.removeAttribute("aria-invalid");
    var code = match[1].toUpperCase() + "-" + match[2];
    setStatus(resumeStatus, "", false);
    send(code, { focusChoices: true }).then(function (sent) {
      if (sent) {
        resumeInput.value = "";
        resumeBox.open = false;
      } else {
        setStatus(resumeStatus, statusLine.textContent, true);
      }
    });
  });

  resumeInput.addEventListener("input", function () {
    resumeInput.removeAttribute("aria-invalid");
    setStatus(resumeStatus, "", false);
  });

  // ---- shared computers ----------------------------------------------------------------------
  forgetButton.addEventListener("click", function () {
    try { window.localStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
    state = freshState();
    save();
    renderAll();
    forgetBox.open = false;
    setStatus(statusLine, t("cleared"), false);
    startButton.focus();
  });

  // Another tab of the same browser changed the chat: show the same conversation here.
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY && !busy) {
      state = readStore();
      renderAll();
    }
  });

  save();
  renderAll();
})();
