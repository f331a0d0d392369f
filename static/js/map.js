// The map of incidents (templates/cases/_map.html, docs/map.md): Leaflet with clustered
// markers over country boundaries drawn from Natural Earth (static/vendor/world-atlas).
// No tile server: every file it reads is on this site. Each marker is a place: its
// number of incidents, a class for how exact its position is, and a title and pop-up
// that say so in words. The list of places below the map says the same without scripts.
// Its words come from Django's JavaScript catalog (gettext, ngettext, interpolate,
// get_format: the script before this one, docs/i18n.md), in the page's language.
(function () {
  "use strict";

  var boundaries = {}; // url -> promise of GeoJSON, read once per page

  function countries(url) {
    if (!boundaries[url]) {
      boundaries[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("boundaries: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (topology) {
          return topojson.feature(topology, topology.objects.countries);
        });
    }
    return boundaries[url];
  }

  function placesOf(container) {
    var id = container.getAttribute("data-places-id");
    if (id) {
      return Promise.resolve(JSON.parse(document.getElementById(id).textContent));
    }
    return fetch(container.getAttribute("data-places-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("places: HTTP " + response.status);
      }
      return response.json();
    });
  }

  // A count as the page's list writes it (number_format with force_grouping): 1,234 in
  // English, 1 234 in Ukrainian, 1234 in Arabic (no grouping). Each of the site's
  // languages groups by a single size, or not at all.
  function number(n) {
    var size = get_format("NUMBER_GROUPING");
    if (!size) {
      return String(n);
    }
    var groups = new RegExp("\\B(?=(\\d{" + size + "})+(?!\\d))", "g");
    return String(n).replace(groups, get_format("THOUSAND_SEPARATOR"));
  }

  // A translated message with named placeholders: say(ngettext(one, many, n), {count: n}).
  function say(message, values) {
    var shown = {};
    Object.keys(values).forEach(function (key) {
      shown[key] = typeof values[key] === "number" ? number(values[key]) : values[key];
    });
    return interpolate(message, shown, true);
  }

  // The pop-up, built as nodes: titles are text, never markup.
  function popup(place) {
    var box = document.createElement("div");
    var heading = document.createElement("p");
    heading.className = "map-popup-title";
    heading.textContent = say(
      ngettext("%(place)s: %(count)s incident", "%(place)s: %(count)s incidents", place.count),
      { place: place.label, count: place.count }
    );
    box.appendChild(heading);
    var precision = document.createElement("p");
    precision.className = "map-popup-precision";
    precision.textContent = place.precision_text + ".";
    box.appendChild(precision);
    if (place.incidents.length) {
      var list = document.createElement("ul");
      place.incidents.forEach(function (incident) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = incident.url;
        link.textContent = incident.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    if (place.search_url) {
      var more = document.createElement("a");
      more.href = place.search_url;
      more.textContent = gettext("All incidents in this region or country");
      box.appendChild(more);
    }
    return box;
  }

  function marker(place) {
    var size = place.count > 99 ? 34 : place.count > 1 ? 28 : 18;
    return L.marker([place.lat, place.lon], {
      icon: L.divIcon({
        className: "map-marker precision-" + place.precision,
        // a number only: the words are the marker's title
        html: place.count > 1 ? "<span>" + Number(place.count) + "</span>" : "",
        iconSize: [size, size],
      }),
      title: say(
        ngettext(
          "%(place)s: %(count)s incident. %(precision)s.",
          "%(place)s: %(count)s incidents. %(precision)s.",
          place.count
        ),
        { place: place.label, count: place.count, precision: place.precision_text }
      ),
      keyboard: true,
      count: place.count,
    }).bindPopup(popup(place));
  }

  // The icon's markup is a string: the translated words go in as text.
  function escaped(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function clusterIcon(cluster) {
    var total = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
      total += m.options.count;
    });
    var places = cluster.getChildCount();
    var size = total > 999 ? 48 : total > 99 ? 42 : 36;
    return L.divIcon({
      className: "map-cluster",
      html:
        '<span aria-hidden="true">' + Number(total) + "</span>" +
        '<span class="visually-hidden">' +
        escaped(
          say(gettext("%(incidents)s at %(places)s: zoom in"), {
            incidents: say(ngettext("%(count)s incident", "%(count)s incidents", total), {
              count: total,
            }),
            places: say(ngettext("%(count)s place", "%(count)s places", places), {
              count: places,
            }),
          })
        ) +
        "</span>",
      iconSize: [size, size],
    });
  }

  function status(container, data) {
    var drawn = data.incident_count - data.not_drawn;
    var parts = [
      say(gettext("%(incidents)s on the map at %(places)s."), {
        incidents: say(ngettext("%(count)s incident", "%(count)s incidents", drawn), {
          count: drawn,
        }),
        places: say(ngettext("%(count)s place", "%(count)s places", data.places.length), {
          count: data.places.length,
        }),
      }),
    ];
    if (data.not_drawn) {
      parts.push(
        say(
          ngettext(
            "%(count)s incident has no place that can be drawn: see the list.",
            "%(count)s incidents have no place that can be drawn: see the list.",
            data.not_drawn
          ),
          { count: data.not_drawn }
        )
      );
    }
    if (data.sample_size) {
      parts.push(
        say(
          ngettext(
            "The map shows the %(count)s matching incident most recently added to the " +
              "database; add words or filters to narrow the search.",
            "The map shows the %(count)s matching incidents most recently added to the " +
              "database; add words or filters to narrow the search.",
            data.sample_size
          ),
          { count: data.sample_size }
        )
      );
    }
    if (data.places_left_out) {
      parts.push(
        say(
          ngettext(
            "%(count)s place with the fewest incidents is left out; narrow the search to see it.",
            "%(count)s places with the fewest incidents are left out; narrow the search to " +
              "see them.",
            data.places_left_out
          ),
          { count: data.places_left_out }
        )
      );
    }
    container.querySelector(".map-status").textContent = parts.join(" ");
  }

  function draw(container) {
    if (
      container.getAttribute("data-drawn") ||
      typeof L === "undefined" ||
      typeof interpolate === "undefined"
    ) {
      return;
    }
    container.setAttribute("data-drawn", "true");
    var canvas = container.querySelector(".map-canvas");
    canvas.hidden = false;
    container.querySelector(".map-help").hidden = false;
    container.querySelector(".map-legend").hidden = false;
    var map = L.map(canvas, { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution(gettext("Boundaries: Natural Earth"));
    map.setView([30, 15], 1.5);
    // From the keyboard: Enter on a marker opens its pop-up and moves to its first link;
    // Escape closes it and goes back to the marker (Leaflet's own Escape works only while
    // the map itself has the focus, not one of its markers).
    var opened = null;
    map.on("popupopen", function (event) {
      opened = event.popup._source || null;
      var icon = opened && opened.getElement && opened.getElement();
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (icon && link && document.activeElement === icon) {
        link.focus();
      }
    });
    map.on("popupclose", function () {
      opened = null;
    });
    canvas.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && opened) {
        var marker = opened;
        map.closePopup();
        if (marker.getElement()) {
          marker.getElement().focus();
        }
      }
    });
    var single = container.hasAttribute("data-places-id");
    var cluster = single
      ? L.featureGroup()
      : L.markerClusterGroup({
          iconCreateFunction: clusterIcon,
          showCoverageOnHover: false,
          maxClusterRadius: 40,
        });
    Promise.all([countries(container.getAttribute("data-boundaries-url")), placesOf(container)])
      .then(function (loaded) {
        L.geoJSON(loaded[0], { interactive: false, className: "map-country" }).addTo(map);
        var data = loaded[1];
        data.places.forEach(function (place) {
          cluster.addLayer(marker(place));
        });
        if (data.places.length) {
          // No closer than the boundaries' 1:50m detail bears, nor than the place is known.
          // Fitted at once and before the markers are added: they are grouped for the final
          // zoom only, with no split animation still running once the status says "drawn".
          var zoom = { exact: 8, near: 8, settlement: 7, district: 7, region: 6 };
          var most = single ? zoom[data.places[0].precision] || 5 : 6;
          var bounds = L.latLngBounds(data.places.map(function (place) {
            return [place.lat, place.lon];
          }));
          map.fitBounds(bounds, { maxZoom: most, padding: [20, 20], animate: false });
        }
        cluster.addTo(map);
        status(container, data);
      })
      .catch(function (error) {
        container.querySelector(".map-status").textContent = say(
          gettext("The map could not be drawn (%(error)s); the list of places is below."),
          { error: error.message }
        );
      });
  }

  function drawAll() {
    document.querySelectorAll(".incident-map").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // The search page replaces its results (and their map) as the filters change.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
