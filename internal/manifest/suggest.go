package manifest

import (
	"fmt"
	"sort"

	"github.com/provision/provision/internal/suggest"
)

// undeclaredHint ends the message for a reference to an object the
// manifest does not declare: "did you mean" a declared one when one is
// close, else how to declare it. References resolve only to declared
// objects; declaring one that already exists in authentik adopts it.
func (v *validation) undeclared(at Position, subject, kind, name string, declared []string) {
	v.ds = append(v.ds, Diagnostic{
		Pos: at,
		Msg: subject + ", which is not declared in the manifest" + v.undeclaredHint(kind, name, declared),
		Ref: &Reference{Kind: kind, Name: name, Subject: subject},
	})
}

func (v *validation) undeclaredHint(kind, name string, declared []string) string {
	if s := suggest.Closest(name, declared); s != "" && s != name && !v.m.ShowsSensitive(name) {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	section := map[string]string{"group": "groups", "provider": "providers"}[kind]
	extra := ""
	if kind == "group" {
		extra = ", its members untouched"
	}
	return fmt.Sprintf("; declare it under %s (if it already exists in authentik, declaring it adopts it%s)", section, extra)
}

func (v *validation) providerNames() []string {
	out := make([]string, 0, len(v.providers))
	for name, p := range v.providers {
		if !p.State.IsAbsent() {
			out = append(out, name)
		}
	}
	for name, e := range v.engine {
		if !e.State.IsAbsent() {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (v *validation) groupNames() []string {
	out := make([]string, 0, len(v.groups))
	for name := range v.groups {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
