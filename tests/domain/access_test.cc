#include "domain/access.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(AccessTest, RoleNamesRoundTrip) {
  for (Role r : kAllRoles) EXPECT_EQ(RoleFromName(RoleName(r)), r);
  EXPECT_FALSE(RoleFromName("superuser").has_value());
}

TEST(AccessTest, RoleSet) {
  RoleSet s{Role::kAdmin, Role::kOrganizer};
  EXPECT_TRUE(s.Contains(Role::kAdmin));
  EXPECT_FALSE(s.Contains(Role::kAnalyst));
  EXPECT_EQ(RoleSet::All().roles().size(), std::size(kAllRoles));
  EXPECT_TRUE(RoleSet().empty());
}

TEST(AccessTest, PrecinctScope) {
  Principal watcher;
  watcher.user_id = 1;
  watcher.role = Role::kPollWatcher;
  watcher.scope.precincts = {{"92", "01-07"}};
  EXPECT_TRUE(MaySeePrecinct(watcher, {"92", "01-07"}));
  EXPECT_FALSE(MaySeePrecinct(watcher, {"92", "01-08"}));
  EXPECT_FALSE(MaySeePrecinct(watcher, {"32", "01-07"}));  // same code, other county

  Principal organizer;
  organizer.role = Role::kOrganizer;
  organizer.scope.counties = {"92"};
  EXPECT_TRUE(MaySeePrecinct(organizer, {"92", "anything"}));
  EXPECT_FALSE(MaySeePrecinct(organizer, {"32", "01"}));

  Principal analyst;
  analyst.role = Role::kAnalyst;
  EXPECT_FALSE(MaySeePrecinct(analyst, {"92", "01-07"}));
  EXPECT_FALSE(SeesPersonalData(Role::kAnalyst));

  Principal admin;
  admin.role = Role::kAdmin;
  EXPECT_TRUE(MaySeePrecinct(admin, {"1", "x"}));
  EXPECT_TRUE(SeesAllVoters(admin));
}

}  // namespace
}  // namespace narwhal
