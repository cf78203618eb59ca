package outputs

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// LiveValues computes what presets need from live state read after apply.
// publicURL is authentik's URL for clients (see PublicURL).
func LiveValues(publicURL string, a *manifest.Application, live *plan.Live) (Values, error) {
	app := findApp(live, a.Slug)
	if app == nil {
		return Values{}, fmt.Errorf("application %q does not exist in authentik yet; run apply first", a.Slug)
	}
	prov := findProvider(live, app.Provider)
	if prov == nil || prov.Type != manifest.TypeOAuth2 {
		return Values{}, fmt.Errorf("application %q has no OAuth2 provider in authentik; run apply first", a.Slug)
	}
	return Values{
		PublicURL:    strings.TrimRight(publicURL, "/"),
		Slug:         a.Slug,
		IssuerMode:   prov.OAuth2().IssuerMode,
		ClientID:     prov.OAuth2().ClientID,
		ClientSecret: prov.OAuth2().ClientSecret,
		Scopes:       scopeNames(live, prov.PropertyMappings),
	}, nil
}

// VarsFor computes an output's settings from live state, keeping the
// secrets provision generated before that its target (or keepFrom, when
// not nil) holds. random is nil for a preview.
func VarsFor(r *Resolved, v Values, keepFrom *Target, random io.Reader) ([]Var, error) {
	t := keepFrom
	if t == nil && r.HasFile {
		t = &r.Target
	}
	if t != nil && !t.Stdout {
		data, err := t.read()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.Path(), err)
		}
		if data != nil {
			existing, err := r.Format.Parse(data)
			if err != nil {
				return nil, fmt.Errorf("%s cannot be read as %s (%v); provision does not merge into it", t.Path(), r.Format.Name(), err)
			}
			v.Existing = existing
		}
	}
	v.Random = random
	vars, err := r.Preset.Vars(r.Out, v)
	if err != nil {
		return nil, fmt.Errorf("application %q, output %s: %s settings: %w", r.App.Slug, r.Name, r.Preset.Label(), err)
	}
	return vars, nil
}

// SecretKeys names the settings of output r, of provider p, that hold
// secrets (a client secret, a generated session secret). It needs the
// manifest only: authentik's values are placeholders, as offline.
func SecretKeys(r *Resolved, p *manifest.Provider) (map[string]bool, error) {
	vars, err := Options{}.vars(r, p, nil)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, v := range vars {
		if v.Secret {
			keys[v.Key] = true
		}
	}
	return keys, nil
}

// Render returns the content of one output on its own (for stdout).
func Render(r *Resolved, vars []Var) ([]byte, error) {
	out, _, err := r.Format.Render(nil, vars, r.Meta())
	return out, err
}

// WriteTarget merges vars into the target (in r's format) and reports
// whether the file changed. Unchanged files are not rewritten.
func WriteTarget(r *Resolved, t Target, vars []Var) (bool, error) {
	existing, err := t.read()
	if err != nil {
		return false, err
	}
	out, changed, err := r.Format.Render(existing, vars, r.Meta())
	if err != nil {
		return false, fmt.Errorf("write %s: %w", t.Path(), err)
	}
	if !changed {
		return false, nil
	}
	if err := t.write(out); err != nil {
		return false, fmt.Errorf("write %s: %w", t.Path(), err)
	}
	return true, nil
}

// SecretHook receives the secret values an output handles (client and
// session secrets), to keep them out of logs; printed is true when they are
// printed on purpose (file "-").
type SecretHook func(printed bool, values ...string)

// Secrets returns the values of vars marked secret.
func Secrets(vars []Var) []string {
	var out []string
	for _, v := range vars {
		if v.Secret && v.Value != "" {
			out = append(out, v.Value)
		}
	}
	return out
}

// Written is one output file Write wrote or found current.
type Written struct {
	// Application is the slug (slugs, comma-separated, when outputs of
	// several applications share the file).
	Application string `json:"application"`
	File        string `json:"file"`
	State       string `json:"state"` // updated or unchanged
	Settings    int    `json:"settings"`
}

// Write writes every output of m's present applications that names a
// file, from live state read after apply: outputs sharing a file are
// written together; "-" goes to stdout. It reports one line per file.
func Write(m *manifest.Manifest, opts Options, live *plan.Live, random io.Reader, stdout io.Writer, hook SecretHook) ([]Written, error) {
	if hook == nil {
		hook = func(bool, ...string) {}
	}
	type group struct {
		first *Resolved
		vars  []Var
		what  []string
		apps  []string
	}
	var order []string
	groups := map[string]*group{}
	var stdoutParts [][]byte
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.State.IsAbsent() || len(a.Outputs) == 0 {
			continue
		}
		rs, err := Resolve(a, opts)
		if err != nil {
			return nil, err
		}
		var values *Values
		for _, r := range rs {
			if !r.HasFile {
				continue
			}
			if values == nil {
				v, err := LiveValues(opts.PublicURL, a, live)
				if err != nil {
					return nil, err
				}
				values = &v
			}
			vars, err := VarsFor(r, *values, nil, random)
			if err != nil {
				return nil, err
			}
			hook(r.Target.Stdout, Secrets(vars)...)
			if r.Target.Stdout {
				b, err := Render(r, vars)
				if err != nil {
					return nil, err
				}
				stdoutParts = append(stdoutParts, b)
				continue
			}
			path := r.Target.Path()
			g := groups[path]
			if g == nil {
				g = &group{first: r}
				groups[path] = g
				order = append(order, path)
			}
			g.vars = append(g.vars, vars...)
			g.what = append(g.what, fmt.Sprintf("%d %s settings for %q", len(vars), r.Preset.Label(), a.Slug))
			if !slices.Contains(g.apps, a.Slug) {
				g.apps = append(g.apps, a.Slug)
			}
		}
	}
	var errs []error
	var written []Written
	for _, path := range order {
		g := groups[path]
		existed := g.first.Target.Exists()
		changed, err := WriteTarget(g.first, g.first.Target, g.vars)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		state := "unchanged"
		switch {
		case changed && !existed:
			state = "created"
		case changed:
			state = "updated"
		}
		fmt.Fprintf(stdout, "%s: %s (%s, mode 0600)\n", path, state, strings.Join(g.what, ", "))
		written = append(written, Written{Application: strings.Join(g.apps, ","), File: path, State: state, Settings: len(g.vars)})
	}
	for _, b := range stdoutParts {
		_, _ = stdout.Write(b)
	}
	return written, errors.Join(errs...)
}

// EnvFile is the path of the first output of a that names a file,
// relative to the manifest (for messages); "" when none.
func EnvFile(a *manifest.Application) string {
	rs, _ := Resolve(a, Options{})
	for _, r := range rs {
		if r.HasFile && !r.Target.Stdout {
			return r.Target.Path()
		}
	}
	return ""
}
