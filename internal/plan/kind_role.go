package plan

import (
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/suggest"
)

// KindPermission is the server's list of permissions (app_label.codename),
// read with roles: a role's codenames are checked offline against
// authentik 2026.2.2's (kinds.Permissions) and here against the server's.
const KindPermission Kind = "permission"

func init() {
	entryHooks["role"] = entryHook{check: func(c *computer, e *manifest.Entry) bool {
		have := c.live.Objects[KindPermission]
		if len(have) == 0 {
			return true // not read (a plan built by hand)
		}
		known := make(map[string]bool, len(have))
		keys := make([]string, 0, len(have))
		for _, o := range have {
			known[o.Key] = true
			keys = append(keys, o.Key)
		}
		ok := true
		for _, p := range anyStrings(e.Fields["permissions"]) {
			if known[p] {
				continue
			}
			msg := "%s: authentik has no permission %q (another authentik version?)"
			if s := suggest.Closest(p, keys); s != "" {
				c.fail(e.Src.At("permissions"), msg+"; did you mean %q?", e.Label(), p, s)
			} else {
				c.fail(e.Src.At("permissions"), msg, e.Label(), p)
			}
			ok = false
		}
		return ok
	}}
}
