#include "field/walk_list.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace narwhal {
namespace {

std::string VoterName(const Resident& r) {
  std::string out = r.last_name;
  if (!r.name_suffix.empty()) out += " " + r.name_suffix;
  if (!r.first_name.empty() || !r.middle_name.empty()) out += ",";
  if (!r.first_name.empty()) out += " " + r.first_name;
  if (!r.middle_name.empty()) out += " " + r.middle_name;
  return out;
}

std::string Area(const WalkListHeading& h) {
  return "County " + h.county + (h.precinct.empty() ? "" : " — precinct " + h.precinct);
}

std::string Distance(double metres) {
  return metres >= 1000 ? fmt::format("{:.1f} km", metres / 1000) : fmt::format("{:.0f} m", metres);
}

// The turf's route for its map page: its located doors in walk order, projected flat
// around their centre (metres east and north), each labelled with its stop number.
PdfRouteMap RouteMap(const PrecinctDoors& precinct, const Turf& t) {
  PdfRouteMap map;
  double lat0 = 0;
  double lon0 = 0;
  int located = 0;
  for (size_t i : t.walk) {
    const Door& d = precinct.doors[i];
    if (!d.lat || !d.lon) continue;
    lat0 += *d.lat;
    lon0 += *d.lon;
    ++located;
  }
  if (located == 0) return map;
  lat0 /= located;
  lon0 /= located;
  constexpr double kMetresPerDegree = 111320;
  const double cos_lat = std::cos(lat0 * M_PI / 180);
  for (size_t k = 0; k < t.walk.size(); ++k) {
    const Door& d = precinct.doors[t.walk[k]];
    if (!d.lat || !d.lon) continue;
    map.route.push_back({(*d.lon - lon0) * kMetresPerDegree * cos_lat,
                         (*d.lat - lat0) * kMetresPerDegree, std::to_string(k + 1)});
  }
  map.caption = fmt::format(
      "The route in walk order: start at the green stop; the numbers are the stops of the list "
      "that follows.{}",
      located < static_cast<int>(t.walk.size())
          ? fmt::format(" {} of {} doors have no coordinates and are not drawn.",
                        t.walk.size() - static_cast<size_t>(located), t.walk.size())
          : "");
  return map;
}

// The door script as the first page reads it: each step's words, each question with its
// choices numbered as the canvasser writes them, where a branch leads.
std::vector<std::string> ScriptNotes(const FieldBook& book, const Script& script) {
  std::vector<std::string> out = {"Script: " + script.title};
  for (size_t i = 0; i < script.steps.size(); ++i) {
    const ScriptStep& step = script.steps[i];
    std::string line = fmt::format("{}. ", i + 1);
    if (!step.say.empty()) line += step.say;
    if (const SurveyQuestion* q = book.Question(step.question); q != nullptr) {
      line += (step.say.empty() ? "" : " ") + q->text + " [" + q->short_name + "]";
      for (size_t c = 0; c < q->choices.size(); ++c) {
        line += fmt::format("  {} {}", c + 1, q->choices[c].label);
        for (const auto& [choice, target] : step.branches) {
          if (choice != q->choices[c].key) continue;
          for (size_t t = 0; t < script.steps.size(); ++t) {
            if (script.steps[t].id == target) line += fmt::format(" (go to {})", t + 1);
          }
        }
      }
    }
    out.push_back(std::move(line));
  }
  if (!book.result_codes.empty()) {
    std::string codes = "The campaign's result codes:";
    for (const CampaignResultCode& c : book.result_codes)
      codes += " " + c.code + " " + c.name + ";";
    codes.pop_back();
    out.push_back(std::move(codes));
  }
  if (!book.tags.empty()) {
    std::string tags = "Tags (write in Notes):";
    for (const TagDef& t : book.tags) tags += " " + t.label + ";";
    tags.pop_back();
    out.push_back(std::move(tags));
  }
  return out;
}

// The choice questions of the door script that get a column, in script order.
std::vector<const SurveyQuestion*> AnswerColumns(const FieldBook* book) {
  std::vector<const SurveyQuestion*> out;
  const Script* script = book == nullptr ? nullptr : book->ScriptFor(ContactChannel::kDoor);
  if (script == nullptr) return out;
  for (const ScriptStep& step : script->steps) {
    const SurveyQuestion* q = book->Question(step.question);
    if (q == nullptr || q->kind == QuestionKind::kText || out.size() == kMaxWalkListQuestions ||
        std::find(out.begin(), out.end(), q) != out.end()) {
      continue;
    }
    out.push_back(q);
  }
  return out;
}

}  // namespace

std::string DoorAddress(const Door& d) {
  std::string out = std::to_string(d.house_number);
  if (!d.house_suffix.empty()) {
    // "12-A" reads as 12A; a fraction stands apart: "12 1/2".
    out += (d.house_suffix[0] >= '0' && d.house_suffix[0] <= '9' ? " " : "") + d.house_suffix;
  }
  out += " " + d.street_key;
  if (!d.unit.empty()) out += " " + d.unit;
  return out;
}

TableDocument WalkListPdf(const PrecinctDoors& precinct, const TurfCut& cut,
                          const WalkListHeading& heading) {
  std::unordered_map<std::string_view, std::vector<const Resident*>> at_door;
  for (const Resident& r : precinct.residents) at_door[r.door_key].push_back(&r);

  const std::vector<const SurveyQuestion*> questions = AnswerColumns(heading.book);
  const Script* script =
      heading.book == nullptr ? nullptr : heading.book->ScriptFor(ContactChannel::kDoor);
  TableDocument doc;
  doc.title = Area(heading) + " — walk lists";
  doc.footer_note = kWalkListCodes;
  if (heading.book != nullptr) {
    for (const CampaignResultCode& c : heading.book->result_codes) {
      doc.footer_note += " · " + c.code + " " + c.name;
    }
  }
  const bool asked = !questions.empty();
  doc.columns = {{"Stop", 0.45, true, true},
                 {"Address", asked ? 2.2 : 2.6, false, true},
                 {"Voter", asked ? 2.1 : 2.6},
                 {"Age", 0.4, true},
                 {"Sex", 0.35},
                 {"Party", 0.5},
                 {"Result", 0.8}};
  for (const SurveyQuestion* q : questions) doc.columns.push_back({q->short_name, 0.6});
  doc.columns.push_back({"Notes", asked ? 1.2 : 1.6});
  // A row: the voter's cells, then an empty cell per answer column and the notes.
  auto row = [&](std::vector<std::string> cells, std::string notes = {}) {
    cells.resize(doc.columns.size() - 1);
    cells.push_back(std::move(notes));
    return cells;
  };
  doc.checkbox_column = true;
  doc.landscape = true;
  const size_t turfs = cut.turfs.size();
  for (const Turf& t : cut.turfs) {
    PdfSection section;
    const size_t index = static_cast<size_t>(t.number - 1);
    section.heading = fmt::format(
        "{} — turf {} of {}{}{}", Area(heading), t.number, turfs,
        index < heading.list_numbers.size() ? " — list " + heading.list_numbers[index] : "",
        t.drive ? " (drive turf)" : "");
    const Door& first = precinct.doors[t.walk.front()];
    std::string route = t.doors_without_coordinates == static_cast<int>(t.walk.size())
                            ? "route unknown (no coordinates)"
                            : Distance(t.route_metres) + " walked";
    section.subheading = fmt::format(
        "{} doors, {} voters, {}, about {:.0f} min; start at {} · printed {} · "
        "personal data: return it",
        t.walk.size(), t.voters, route, std::ceil(t.minutes), DoorAddress(first),
        heading.printed_at);
    section.map = RouteMap(precinct, t);
    if (script != nullptr) section.notes = ScriptNotes(*heading.book, *script);
    for (size_t k = 0; k < t.walk.size(); ++k) {
      const Door& d = precinct.doors[t.walk[k]];
      const std::string stop = std::to_string(k + 1);
      auto found = at_door.find(d.door_key);
      if (found == at_door.end()) {
        // ListDoors reads doors and residents from one snapshot, so every door has its
        // voters; should one not, the door still prints rather than vanish from the walk.
        section.rows.push_back(row({stop, DoorAddress(d)}));
        continue;
      }
      bool first_at_door = true;
      for (const Resident* r : found->second) {
        const std::string age = heading.year > 0 && r->birth_year > 0
                                    ? std::to_string(heading.year - r->birth_year)
                                    : std::string();
        section.rows.push_back(row({first_at_door ? stop : "", first_at_door ? DoorAddress(d) : "",
                                    VoterName(*r), age, r->gender, r->party}));
        first_at_door = false;
      }
    }
    doc.sections.push_back(std::move(section));
  }
  if (!precinct.unplaced.empty()) {
    PdfSection section;
    section.heading = Area(heading) + " — voters with no door to knock";
    section.subheading = fmt::format(
        "{} voters whose address names no door (PO box, rural route, no number): reach them "
        "by phone or mail",
        precinct.unplaced.size());
    for (const auto& p : precinct.unplaced) {
      section.rows.push_back(
          row({"", p.street_line.empty() ? "(no address)" : p.street_line, p.voter_id}, p.reason));
    }
    doc.sections.push_back(std::move(section));
  }
  return doc;
}

NewTurfCut TurfsToKeep(const PrecinctDoors& precinct, const TurfCut& cut) {
  std::unordered_map<std::string_view, std::vector<std::string>> at_door;
  for (const Resident& r : precinct.residents) at_door[r.door_key].push_back(r.voter_id);
  NewTurfCut out;
  for (const Turf& t : cut.turfs) {
    NewTurf turf;
    turf.route_metres = t.route_metres;
    turf.minutes = t.minutes;
    turf.drive = t.drive;
    for (size_t i : t.walk) {
      const Door& d = precinct.doors[i];
      TurfStop stop;
      stop.door_key = d.door_key;
      stop.address = DoorAddress(d);
      stop.lat = d.lat;
      stop.lon = d.lon;
      if (auto found = at_door.find(d.door_key); found != at_door.end()) {
        stop.voter_ids = found->second;
      }
      turf.stops.push_back(std::move(stop));
    }
    out.turfs.push_back(std::move(turf));
  }
  return out;
}

}  // namespace narwhal
