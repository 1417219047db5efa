#include "demo/names.h"

namespace narwhal::demo {
namespace {

// Accented letters are octal escapes of their Latin-1 bytes (\321 is 0xD1, N with tilde):
// an octal escape ends after three digits, so "PE\321A" cannot run into the next letter the
// way a hex escape would.
constexpr std::string_view kLastNames[] = {
    "SMITH",       "JOHNSON",   "WILLIAMS",   "BROWN",      "JONES",     "MILLER",    "DAVIS",
    "GARCIA",      "RODRIGUEZ", "WILSON",     "MARTINEZ",   "ANDERSON",  "TAYLOR",    "THOMAS",
    "HERNANDEZ",   "MOORE",     "MARTIN",     "JACKSON",    "THOMPSON",  "WHITE",     "LOPEZ",
    "LEE",         "GONZALEZ",  "HARRIS",     "CLARK",      "LEWIS",     "ROBINSON",  "WALKER",
    "PEREZ",       "HALL",      "YOUNG",      "ALLEN",      "SANCHEZ",   "WRIGHT",    "KING",
    "SCOTT",       "GREEN",     "BAKER",      "ADAMS",      "NELSON",    "HILL",      "RAMIREZ",
    "CAMPBELL",    "MITCHELL",  "ROBERTS",    "CARTER",     "PHILLIPS",  "EVANS",     "TURNER",
    "TORRES",      "PARKER",    "COLLINS",    "EDWARDS",    "STEWART",   "FLORES",    "MORRIS",
    "NGUYEN",      "MURPHY",    "RIVERA",     "COOK",       "ROGERS",    "MORGAN",    "PETERSON",
    "COOPER",      "REED",      "BAILEY",     "BELL",       "GOMEZ",     "KELLY",     "HOWARD",
    "WARD",        "COX",       "DIAZ",       "RICHARDSON", "WOOD",      "WATSON",    "BROOKS",
    "BENNETT",     "GRAY",      "JAMES",      "REYES",      "CRUZ",      "HUGHES",    "PRICE",
    "MYERS",       "LONG",      "FOSTER",     "SANDERS",    "ROSS",      "PE\321A",   "MORALES",
    "POWELL",      "SULLIVAN",  "HOLLAND",    "BARBER",     "LAMBERT",   "HINES",     "OUTLAW",
    "RUSSELL",     "ORTIZ",     "BEN\315TEZ", "JENKINS",    "GUTIERREZ", "PERRY",     "BUTLER",
    "BARNES",      "FISHER",    "HENDERSON",  "COLEMAN",    "SIMMONS",   "PATTERSON", "JORDAN",
    "REYNOLDS",    "HAMILTON",  "GRAHAM",     "KIM",        "GONZALES",  "ALEXANDER", "RAMOS",
    "N\332\321EZ", "WALLACE",   "GRIFFIN",    "WEST",       "COLE",      "HAYES",     "CHAVEZ",
    "MU\321OZ",    "GIBSON",    "BRYANT",     "ELLIS",      "STEVENS",   "MURRAY",    "FORD",
    "MARSHALL",    "OWENS",     "MCDONALD",   "HARRISON",   "RUIZ",      "KENNEDY",   "WELLS",
    "ALVAREZ",     "WOODS",     "MENDOZA",    "CASTILLO",   "OLSON",     "WEBB",      "WASHINGTON",
    "TUCKER",      "FREEMAN",   "BURNS",      "HENRY",      "VASQUEZ",   "SNYDER",    "SIMPSON",
    "CRAWFORD",    "JIMENEZ",   "PORTER",     "MASON",      "SHAW",      "GORDON",    "WAGNER",
    "M\334LLER",   "HUNTER",    "ROMERO",     "HICKS",      "DIXON",     "HUNT",      "PALMER",
    "ROBERTSON",   "BLACK",     "HOLMES",     "STONE",      "MEYER",     "BOYD",      "MILLS",
    "WARREN",      "FOX",       "ROSE",       "RICE",       "MORENO",    "SCHMIDT",   "PATEL",
    "FERGUSON",    "NICHOLS",   "HERRERA",    "MEDINA",     "YA\321EZ",  "RYAN",      "FERNANDEZ",
    "WEAVER",      "DANIELS",   "STEPHENS",   "GARDNER",    "PAYNE",     "KELLEY",    "DUNN",
    "PIERCE",      "ARNOLD",    "TRAN",       "SPENCER",    "O'BRIEN",   "MCLEAN",    "LOCKLEAR",
    "OXENDINE",
};

constexpr std::string_view kFemaleFirstNames[] = {
    "MARY",      "PATRICIA", "JENNIFER", "LINDA",     "ELIZABETH",  "BARBARA",   "SUSAN",
    "JESSICA",   "SARAH",    "KAREN",    "LISA",      "NANCY",      "BETTY",     "MARGARET",
    "SANDRA",    "ASHLEY",   "KIMBERLY", "EMILY",     "DONNA",      "MICHELLE",  "CAROL",
    "AMANDA",    "DOROTHY",  "MELISSA",  "DEBORAH",   "STEPHANIE",  "REBECCA",   "SHARON",
    "LAURA",     "CYNTHIA",  "KATHLEEN", "AMY",       "ANGELA",     "SHIRLEY",   "ANNA",
    "BRENDA",    "PAMELA",   "EMMA",     "NICOLE",    "HELEN",      "SAMANTHA",  "KATHERINE",
    "CHRISTINE", "DEBRA",    "RACHEL",   "CAROLYN",   "JANET",      "CATHERINE", "MARIA",
    "HEATHER",   "DIANE",    "RUTH",     "JULIE",     "OLIVIA",     "JOYCE",     "VIRGINIA",
    "VICTORIA",  "KELLY",    "LAUREN",   "CHRISTINA", "JOAN",       "EVELYN",    "JUDITH",
    "MEGAN",     "ANDREA",   "CHERYL",   "HANNAH",    "JACQUELINE", "MARTHA",    "GLORIA",
    "TERESA",    "ANN",      "SARA",     "REN\311E",  "MADISON",    "FRANCES",   "KATHRYN",
    "JANICE",    "JEAN",     "ABIGAIL",  "ALICE",     "JULIA",      "JUDY",      "SOPHIA",
    "GRACE",     "CHLO\311", "DENISE",   "AMBER",     "DORIS",      "MARILYN",   "DANIELLE",
    "BEVERLY",   "ISABELLA", "THERESA",  "DIANA",     "M\323NICA",  "NATALIE",   "BRITTANY",
    "CHARLOTTE", "MARIE",    "KAYLA",    "ALEXIS",    "LORI",       "AVA",       "TAYLOR",
    "MIA",       "ZO\313",   "KEISHA",   "LATOYA",    "BEATRIZ",
};

constexpr std::string_view kMaleFirstNames[] = {
    "JAMES",    "ROBERT",    "JOHN",    "MICHAEL",     "DAVID",    "WILLIAM",  "RICHARD",
    "JOSEPH",   "THOMAS",    "CHARLES", "CHRISTOPHER", "DANIEL",   "MATTHEW",  "ANTHONY",
    "MARK",     "DONALD",    "STEVEN",  "PAUL",        "ANDREW",   "JOSHUA",   "KENNETH",
    "KEVIN",    "BRIAN",     "GEORGE",  "TIMOTHY",     "RONALD",   "EDWARD",   "JASON",
    "JEFFREY",  "RYAN",      "JACOB",   "GARY",        "NICHOLAS", "ERIC",     "JONATHAN",
    "STEPHEN",  "LARRY",     "JUSTIN",  "SCOTT",       "BRANDON",  "BENJAMIN", "SAMUEL",
    "GREGORY",  "ALEXANDER", "FRANK",   "PATRICK",     "RAYMOND",  "JACK",     "DENNIS",
    "JERRY",    "TYLER",     "AARON",   "JOSE",        "ADAM",     "JOS\311",  "NATHAN",
    "HENRY",    "DOUGLAS",   "ZACHARY", "PETER",       "RA\332L",  "KYLE",     "ETHAN",
    "WALTER",   "NOAH",      "JEREMY",  "CHRISTIAN",   "KEITH",    "ROGER",    "TERRY",
    "GERALD",   "HAROLD",    "SEAN",    "AUSTIN",      "CARL",     "JES\332S", "ARTHUR",
    "LAWRENCE", "DYLAN",     "JESSE",   "JORDAN",      "BRYAN",    "BILLY",    "JOE",
    "BRUCE",    "GABRIEL",   "LOGAN",   "ALBERT",      "WILLIE",   "ALAN",     "JUAN",
    "ANDR\311", "WAYNE",     "ELIJAH",  "RANDY",       "ROY",      "VINCENT",  "RALPH",
    "EUGENE",   "RUSSELL",   "BOBBY",   "MASON",       "PHILIP",   "LOUIS",    "DEMETRIUS",
    "TYRONE",   "DARNELL",   "LUIS",    "RAM\323N",    "CARLOS",
};

constexpr std::string_view kStreetStems[] = {
    "OAK",           "MAPLE",          "PINE",          "CEDAR",           "ELM",
    "WILLOW",        "DOGWOOD",        "MAGNOLIA",      "HICKORY",         "POPLAR",
    "SYCAMORE",      "BIRCH",          "CHESTNUT",      "HOLLY",           "LAUREL",
    "WALNUT",        "CYPRESS",        "LOBLOLLY",      "HILLSBOROUGH",    "GLENWOOD",
    "SIX FORKS",     "FALLS OF NEUSE", "CREEDMOOR",     "LEAD MINE",       "OBERLIN",
    "WADE",          "PERSON",         "BLOUNT",        "WILMINGTON",      "SALISBURY",
    "FAYETTEVILLE",  "DAWSON",         "MCDOWELL",      "HARRINGTON",      "BOYLAN",
    "LANE",          "JONES",          "PEACE",         "EDENTON",         "NEW BERN",
    "DURANT",        "MILLBROOK",      "STRICKLAND",    "BAILEYWICK",      "KILDAIRE FARM",
    "TRYON",         "PENNY",          "HOLLY SPRINGS", "OLIVE CHAPEL",    "GREEN LEVEL",
    "JENKS",         "DAVIS",          "MORRISVILLE",   "AVIATION",        "TEN TEN",
    "BATTLE BRIDGE", "ROCK QUARRY",    "POOLE",         "BUFFALOE",        "HODGE",
    "SMITHFIELD",    "MITCHELL MILL",  "FORESTVILLE",   "ROGERS",          "HERITAGE",
    "STADIUM",       "BRIDGEWATER",    "STONEHENGE",    "SPRING FOREST",   "NORTH HILLS",
    "RIDGE",         "CREEK",          "MEADOW",        "BROOK",           "RIVER BIRCH",
    "FOX CHASE",     "QUAIL HOLLOW",   "DEER TRACK",    "TWIN LAKES",      "SUNSET",
    "SUNRISE",       "HARVEST",        "ORCHARD",       "VINEYARD",        "MEETING HOUSE",
    "CHURCH",        "MILL POND",      "OLD STAGE",     "OLD WAKE FOREST", "BAYLEAF",
    "WHITE OAK",     "RED OAK",        "BLUE RIDGE",    "WESTGATE",        "EASTGATE",
    "PLEASANT",
};

constexpr std::string_view kStreetTypes[] = {
    "ST", "RD", "DR", "LN", "CT", "AVE", "WAY", "CIR", "PL", "TRL", "BLVD", "PKWY", "LOOP", "RUN",
};

constexpr Municipality kMunicipalities[] = {
    {"RALEIGH", "RAL", 27601, 17, 40},     {"CARY", "CAR", 27511, 3, 14},
    {"APEX", "APX", 27502, 1, 6},          {"GARNER", "GAR", 27529, 1, 5},
    {"WAKE FOREST", "WKF", 27587, 1, 5},   {"FUQUAY-VARINA", "FUQ", 27526, 1, 4},
    {"HOLLY SPRINGS", "HOL", 27540, 1, 4}, {"MORRISVILLE", "MOR", 27560, 1, 3},
    {"KNIGHTDALE", "KNI", 27545, 1, 3},    {"WENDELL", "WEN", 27591, 1, 2},
    {"ZEBULON", "ZEB", 27597, 1, 2},       {"ROLESVILLE", "ROL", 27571, 1, 2},
};

}  // namespace

std::span<const std::string_view> LastNames() {
  return kLastNames;
}
std::span<const std::string_view> FemaleFirstNames() {
  return kFemaleFirstNames;
}
std::span<const std::string_view> MaleFirstNames() {
  return kMaleFirstNames;
}
std::span<const std::string_view> StreetStems() {
  return kStreetStems;
}
std::span<const std::string_view> StreetTypes() {
  return kStreetTypes;
}
std::span<const Municipality> Municipalities() {
  return kMunicipalities;
}

}  // namespace narwhal::demo
