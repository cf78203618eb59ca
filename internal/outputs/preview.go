package outputs

import (
	"maps"
	"slices"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// Preview computes what apply would write to each output destination: the
// settings from the manifest and authentik's values (opts.Live, read by the
// plan; placeholders for what authentik generates at apply), merged into
// each file as it is now, compared key by key. Files that would not change
// are left out; standard output is always listed (it is printed at each
// apply). Secret settings carry no value. Run it on a manifest Validate
// accepted with the same options.
func Preview(m *manifest.Manifest, opts Options) ([]plan.OutputChange, error) {
	type group struct {
		first    *Resolved
		vars     []Var
		outputs  []string
		existing []byte
	}
	var order []string
	groups := map[string]*group{}
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.State.IsAbsent() || len(a.Outputs) == 0 || a.Provider == nil {
			continue
		}
		p := manifestProvider(m, *a.Provider)
		if p == nil || p.Type != manifest.TypeOAuth2 {
			continue
		}
		rs, err := Resolve(a, opts)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if !r.HasFile {
				continue
			}
			path := r.Target.Path()
			if r.Target.Stdout {
				path = "-\x00" + a.Slug + "\x00" + r.Name // each printed on its own
			}
			g := groups[path]
			if g == nil {
				g = &group{first: r}
				if !r.Target.Stdout {
					data, err := r.Target.read()
					if err != nil {
						return nil, err
					}
					g.existing = data
				}
				groups[path] = g
				order = append(order, path)
			}
			var existing map[string]string
			if g.existing != nil {
				existing, _ = r.Format.Parse(g.existing) // Validate refused a file it cannot parse
			}
			vars, err := opts.vars(r, p, existing)
			if err != nil {
				return nil, err
			}
			g.vars = append(g.vars, vars...)
			g.outputs = append(g.outputs, a.Slug+" output "+r.Name)
		}
	}
	var out []plan.OutputChange
	for _, path := range order {
		g := groups[path]
		secret := map[string]bool{}
		for i, v := range g.vars {
			if v.Secret {
				secret[v.Key] = true
				if v.Value == "" {
					g.vars[i].Value = "generatedbyprovision" // a preview leaves new secrets empty
				}
			}
		}
		rendered, _, err := g.first.Format.Render(g.existing, g.vars, g.first.Meta())
		if err != nil {
			return nil, err
		}
		before := map[string]string{}
		if g.existing != nil {
			if before, err = g.first.Format.Parse(g.existing); err != nil {
				return nil, err
			}
		}
		after, err := g.first.Format.Parse(rendered)
		if err != nil {
			return nil, err
		}
		oc := plan.OutputChange{Destination: g.first.Target.Path(), Format: g.first.Format.Name(), Outputs: g.outputs, Action: plan.Update}
		if g.existing == nil {
			oc.Action = plan.Create
		}
		keys := slices.Sorted(maps.Keys(after))
		for k := range before {
			if _, ok := after[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			b, had := before[k]
			a, has := after[k]
			s := plan.SettingChange{Key: k, Sensitive: secret[k]}
			switch {
			case !had:
				s.Action, s.After = plan.Create, shown(a)
			case !has:
				s.Action, s.Sensitive = plan.Delete, true // a removed key's value is not shown
			case a != b:
				s.Action, s.Before, s.After = plan.Update, shown(b), shown(a)
			default:
				continue
			}
			if s.Sensitive {
				s.Before, s.After = "", ""
			}
			oc.Settings = append(oc.Settings, s)
		}
		if len(oc.Settings) > 0 || g.first.Target.Stdout {
			out = append(out, oc)
		}
	}
	return out, nil
}

// shown is a setting's display value: placeholders for what authentik
// generates at apply read plan.UnknownValue.
func shown(v string) string {
	if v == placeholder {
		return plan.UnknownValue
	}
	return v
}

func manifestProvider(m *manifest.Manifest, name string) *manifest.Provider {
	for i := range m.Providers {
		if m.Providers[i].Name == name && !m.Providers[i].State.IsAbsent() {
			return &m.Providers[i]
		}
	}
	return nil
}
