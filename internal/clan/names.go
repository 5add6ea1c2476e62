package clan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SharedWorkspace is the name of the workspace built from SharedDir. No
// machine may have it: its state folder and lock would be the shared ones.
const SharedWorkspace = "shared"

// MaxMachineNameLength and machineName are Clan's own rule for machine names
// (clan_lib/machines/machine_name.py: a hostname label). A name that passes is
// also one path segment, a file name with room for our suffixes and a git ref
// component, so nothing derived from it can leave its folder.
const MaxMachineNameLength = 63

var machineName = regexp.MustCompile(`^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`)

// CheckMachineName refuses a machine name that Clan would refuse, or that is
// reserved for a workspace of the tool's own. where says where the name was
// found, for the message ("machines/", "the inventory"; "" when unknown).
func CheckMachineName(name, where string) error {
	if where != "" {
		where = " in " + where
	}
	switch {
	case utf8.RuneCountInString(name) > MaxMachineNameLength:
		return fmt.Errorf("machine name %q…%s is %d characters long; Clan allows at most %d (a hostname)",
			string([]rune(name)[:16]), where, utf8.RuneCountInString(name), MaxMachineNameLength)
	case strings.EqualFold(name, SharedWorkspace): // one lock file on a case-insensitive disk
		return fmt.Errorf("machine name %q%s is reserved for the workspace of %s/: rename the machine", name, where, SharedDir)
	case !machineName.MatchString(name):
		return fmt.Errorf("machine name %q%s: use letters, digits and - (not first or last), as Clan does for hostnames", name, where)
	}
	return nil
}

// printable reports whether s has no control characters (escape sequences,
// line breaks) and is valid UTF-8.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Quote returns s as it is when every character is printable and not a
// quote, and Go-quoted otherwise: names and paths from the clan never reach
// the terminal with escape sequences or line breaks in them.
func Quote(s string) string {
	if !printable(s) || strings.ContainsAny(s, `"\\`) {
		return strconv.Quote(s)
	}
	if s == "" {
		return `""`
	}
	return s
}
