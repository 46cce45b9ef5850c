// The complaint form, enhanced: the chosen category's notice, a character
// counter, the street filter for communities, the browser's location and a
// photo check before upload. The form works fully without this file.
(function () {
  "use strict";
  var form = document.querySelector("form.complaint-form");
  if (!form) { return; }

  // The notice of the chosen category, right under the select.
  var category = form.querySelector("#id_category");
  var notice = form.querySelector("#category-notice");
  if (category && notice) {
    var showNotice = function () {
      var option = category.options[category.selectedIndex];
      var text = option ? option.getAttribute("data-notice") : "";
      notice.textContent = text || "";
      notice.hidden = !text;
    };
    category.addEventListener("change", showNotice);
    showNotice();
  }

  // A live character count for the description.
  form.querySelectorAll(".js-counter").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-for"));
    if (!field) { return; }
    var min = parseInt(counter.getAttribute("data-min"), 10);
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var update = function () {
      var length = field.value.replace(/\r\n/g, "\n").trim().length;
      counter.textContent = length + " / " + max;
      counter.classList.toggle("counter-short", length > 0 && length < min);
      counter.classList.toggle("counter-full", length >= max);
    };
    field.addEventListener("input", update);
    update();
  });

  // Choosing a street keeps only its communities; choosing a community sets its street.
  var street = form.querySelector("#id_street");
  var community = form.querySelector("#id_community");
  if (street && community) {
    // Whole optgroups are taken out and put back: hiding options does not
    // work in every mobile browser.
    var groups = Array.prototype.slice.call(community.querySelectorAll("optgroup"));
    var filter = function () {
      var chosen = community.value;
      var wanted = street.value;
      groups.forEach(function (group) {
        if (group.parentNode) { group.parentNode.removeChild(group); }
      });
      groups.forEach(function (group) {
        // A contact card's unit may span streets: its group has no street.
        var own = group.getAttribute("data-street");
        if (!wanted || !own || own === wanted) {
          community.appendChild(group);
        }
      });
      community.value = chosen;
      if (community.value !== chosen) { community.value = ""; }
    };
    // From a contact card, its unit takes a case left without a community
    // only in its own streets: say so when another street is chosen.
    var unitHint = form.querySelector(".js-unit-hint");
    var centreHint = form.querySelector(".js-centre-hint");
    var hint = function () {
      if (!unitHint || !centreHint) { return; }
      var streets = unitHint.getAttribute("data-streets").split(" ");
      var unitTakes = !street.value || streets.indexOf(street.value) !== -1;
      unitHint.hidden = !unitTakes;
      centreHint.hidden = unitTakes;
    };
    street.addEventListener("change", filter);
    street.addEventListener("change", hint);
    community.addEventListener("change", function () {
      var option = community.options[community.selectedIndex];
      var group = option && option.parentNode;
      if (group && group.tagName === "OPTGROUP" && !street.value &&
          group.hasAttribute("data-street")) {
        street.value = group.getAttribute("data-street");
        filter();
        hint();
      }
    });
    filter();
  }

  // The browser's location (WGS84), only when asked for.
  var geo = form.querySelector(".js-geo");
  if (geo && "geolocation" in navigator) {
    var use = geo.querySelector(".js-geo-use");
    var clear = geo.querySelector(".js-geo-clear");
    var status = geo.querySelector(".js-geo-status");
    var latitude = form.querySelector("input[name=latitude]");
    var longitude = form.querySelector("input[name=longitude]");
    use.hidden = false;
    use.addEventListener("click", function () {
      status.textContent = geo.getAttribute("data-locating");
      use.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = geo.getAttribute("data-found") + " " +
          latitude.value + ", " + longitude.value;
        clear.hidden = false;
        use.disabled = false;
      }, function () {
        status.textContent = geo.getAttribute("data-failed");
        use.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    clear.addEventListener("click", function () {
      latitude.value = "";
      longitude.value = "";
      status.textContent = "";
      clear.hidden = true;
    });
  }

  // Warn before uploading too many or too large photos; the server checks again.
  var photos = form.querySelector("input[type=file][name=photos]");
  var photoHint = form.querySelector(".js-photo-count");
  if (photos && photoHint) {
    var original = photoHint.textContent;
    var maxCount = parseInt(photoHint.getAttribute("data-max-count"), 10);
    var maxBytes = parseInt(photoHint.getAttribute("data-max-mb"), 10) * 1024 * 1024;
    photos.addEventListener("change", function () {
      var problems = [];
      if (photos.files.length > maxCount) {
        problems.push(photoHint.getAttribute("data-too-many"));
      }
      var large = Array.prototype.filter.call(photos.files, function (file) {
        return file.size > maxBytes;
      }).map(function (file) { return file.name; });
      if (large.length) {
        problems.push(photoHint.getAttribute("data-too-large") + " " + large.join(", "));
      }
      photoHint.textContent = problems.length ? problems.join(" ") : original;
      photoHint.classList.toggle("error", problems.length > 0);
      photos.setCustomValidity(problems.join(" "));
    });
  }
})();
