package operation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// LoadManifest loads, then validates a manifest, with outputs confined to
// outputDir (when not empty); all problems come back in one error, one
// per line with file:line:column. Redirect URIs a provider does not
// declare are derived from its application's outputs first. Load
// problems (an unknown field) do not hide validation's: every problem is
// reported at once. ${NAME}s are read through env (manifest.Offline for
// validate --offline), or d.LookupEnv when env is nil.
func LoadManifest(d Deps, path, outputDir string, env manifest.LookupEnv) (*manifest.Manifest, error) {
	if env == nil {
		env = manifest.LookupEnv(d.LookupEnv)
	}
	return manifest.LoadAndCheck(path, env, func(m *manifest.Manifest) error {
		d.Secret(m.SensitiveValues()...)
		outputs.DeriveRedirects(m)
		return m.Validate(outputs.Validator(outputOptions(m, d, outputDir, "")))
	})
}

// State is everything plan and apply need: the manifest, the client, the
// live snapshot and the computed plan.
type State struct {
	Manifest *manifest.Manifest
	Client   *authentik.Client
	Live     *plan.Live
	Plan     *plan.Plan
	// Opts limit the plan (--no-prune, --target); every recompute keeps them.
	Opts plan.Options
}

// ComputePlan reads live state and computes the plan, limited by opts.
func ComputePlan(ctx context.Context, m *manifest.Manifest, c *authentik.Client, opts plan.Options) (*State, error) {
	reads := plan.ReadsFor(m)
	if len(openApps(m)) > 0 {
		// Whether a binding made in authentik restricts an application
		// the manifest leaves open (OpenAppWarnings): same wave of lists.
		reads = reads.Add(plan.Reads{Kinds: []plan.Kind{plan.KindBinding}})
	}
	live, err := c.Snapshot(ctx, reads)
	if err != nil {
		return nil, err
	}
	live = plan.Moved(m, live) // renamed in place: outputs read the new keys
	p, err := plan.ComputeWith(m, live, opts)
	if err != nil {
		return nil, err
	}
	if where := c.TokenFields(p); len(where) > 0 {
		return nil, fmt.Errorf("the plan would write the authentik API token into %s: a variable holds the token; never pass it to a manifest", strings.Join(where, ", "))
	}
	return &State{Manifest: m, Client: c, Live: live, Plan: p, Opts: opts}, nil
}

// OpenAppWarnings are the warnings for each application the manifest
// declares without access: authentik lets every user log in to an
// application no binding restricts. With live state (plan, apply) an
// application bound in authentik (a policy or user binding made by hand)
// is left out.
func OpenAppWarnings(m *manifest.Manifest, live *plan.Live) []string {
	bound := map[string]bool{}
	if live != nil {
		for _, b := range live.Bindings {
			bound[b.Target] = true
		}
	}
	var out []string
	for _, a := range openApps(m) {
		if live != nil && slices.ContainsFunc(live.Applications, func(la plan.Application) bool { return la.Slug == a.Slug && bound[la.PK] }) {
			continue
		}
		out = append(out, fmt.Sprintf("Warning: %s: application %q declares no access, so it is open to every user; add \"access: {groups: [...]}\" to say who may use it.", a.Src.Pos, a.Slug))
	}
	return out
}

// openApps are the applications the manifest declares without access groups.
func openApps(m *manifest.Manifest) []manifest.Application {
	var out []manifest.Application
	for _, a := range m.Applications {
		if !a.State.IsAbsent() && (a.Access == nil || len(a.Access.Groups) == 0) {
			out = append(out, a)
		}
	}
	return out
}

// AppState is one application, and live state.
type AppState struct {
	Manifest *manifest.Manifest
	App      *manifest.Application
	Client   *authentik.Client
	Live     *plan.Live
}

// AppReads is what an operation about one application needs read.
type AppReads func(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error)

// LoadApp loads the manifest (outputs confined to outputDir when not
// empty), finds the application by slug and reads the live kinds its
// operation needs.
func LoadApp(ctx context.Context, d Deps, conn Conn, path, outputDir, slug string, needs AppReads) (*AppState, error) {
	m, err := LoadManifest(d, path, outputDir, nil)
	if err != nil {
		return nil, err
	}
	a, err := findApp(m, slug)
	if err != nil {
		return nil, err
	}
	reads, err := needs(m, a)
	if err != nil {
		return nil, err
	}
	c, err := Connect(ctx, d, conn)
	if err != nil {
		return nil, err
	}
	live, err := c.Snapshot(ctx, reads)
	if err != nil {
		return nil, err
	}
	return &AppState{Manifest: m, App: a, Client: c, Live: live}, nil
}

// outputReads is what an application's outputs need: the application, its
// OAuth2 provider and the scope mappings (checks need more, see check.go).
func outputReads(extra ...plan.Kind) AppReads {
	return func(_ *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
		if err := requireOutputs(a); err != nil {
			return plan.Reads{}, err
		}
		kinds := append([]plan.Kind{plan.KindApplication, plan.KindProvider, plan.KindScopeMapping}, extra...)
		return plan.Reads{Kinds: kinds, ProviderTypes: []string{manifest.TypeOAuth2}}, nil
	}
}

// ProviderReads is what describing an application's provider needs: the
// application and its provider with its type's own fields.
func ProviderReads(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
	if a.Provider == nil {
		return plan.Reads{}, fmt.Errorf("application %q (%s) declares no provider", a.Slug, a.Src.Pos)
	}
	r := plan.Reads{Kinds: []plan.Kind{plan.KindApplication, plan.KindProvider}}
	for _, p := range m.Providers {
		if p.Name == *a.Provider {
			r.ProviderTypes = []string{p.Type}
			switch p.Type {
			case manifest.TypeOAuth2:
				r.Kinds = append(r.Kinds, plan.KindScopeMapping)
			case manifest.TypeLDAP:
				r.Kinds = append(r.Kinds, plan.KindOutpost)
			}
		}
	}
	// RADIUS and RAC providers (the engine's) are described by the
	// outposts serving them.
	for _, e := range m.EntriesOf(string(plan.KindEngineProvider)) {
		if e.Key == *a.Provider {
			r.Kinds = append(r.Kinds, plan.KindOutpost)
		}
	}
	return r, nil
}

// outputOptions are the output options for offline checks and writes.
func outputOptions(m *manifest.Manifest, d Deps, dir, apiURL string) outputs.Options {
	if apiURL == "" {
		// Offline: the API address without userinfo, as the client uses it.
		apiURL = d.Getenv("AUTHENTIK_URL")
		u, err := url.Parse(apiURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			// Not the manifest's mistake: the connection reports it,
			// once, naming AUTHENTIK_URL (authentik.New).
			apiURL = ""
		case u.User != nil:
			u.User = nil
			apiURL = u.String()
		}
	}
	groups := []string{}
	for _, g := range m.EntriesOf(string(plan.KindGroup)) {
		if !g.State.IsAbsent() {
			groups = append(groups, g.Key)
		}
	}
	return outputs.Options{OutputDir: dir, PublicURL: outputs.PublicURL(m, apiURL), Groups: groups, ScopeMappings: outputs.ManifestScopeMappings(m)}
}

// findApp returns the manifest application with the slug.
func findApp(m *manifest.Manifest, slug string) (*manifest.Application, error) {
	var slugs []string
	for i := range m.Applications {
		if m.Applications[i].Slug == slug {
			return &m.Applications[i], nil
		}
		slugs = append(slugs, m.Applications[i].Slug)
	}
	msg := fmt.Sprintf("the manifest has no application with slug %q", slug)
	if s := suggest.Closest(slug, slugs); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return nil, errors.New(msg)
}

// hasOutputs reports whether the application declares outputs.
func hasOutputs(a *manifest.Application) bool { return len(a.Outputs) > 0 }

// requireOutputs fails unless the application declares an output.
func requireOutputs(a *manifest.Application) error {
	if !hasOutputs(a) {
		return fmt.Errorf("application %q (%s) declares no outputs", a.Slug, a.Src.Pos)
	}
	return nil
}

// LiveHints completes the manifest's "not declared" problems with what
// authentik has, for operations that can read it: a group or provider that
// exists only in authentik is adopted by declaring it, and a typo may be
// closest to a live name. It only reads; when it cannot, err is returned
// unchanged.
func LiveHints(ctx context.Context, d Deps, conn Conn, err error) error {
	var ds manifest.Diagnostics
	if !errors.As(err, &ds) {
		return err
	}
	var kinds []plan.Kind
	for _, d := range ds {
		if d.Ref == nil {
			continue
		}
		k := plan.KindGroup
		if d.Ref.Kind == "provider" {
			k = plan.KindProvider
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return err
	}
	c, cerr := Connect(ctx, d, conn)
	if cerr != nil {
		return err
	}
	live, lerr := c.Snapshot(ctx, plan.Reads{Kinds: kinds})
	if lerr != nil {
		return err
	}
	names := map[string][]string{}
	for _, g := range live.Groups() {
		names["group"] = append(names["group"], g.Name)
	}
	for _, p := range live.Providers {
		names["provider"] = append(names["provider"], p.Name)
	}
	section := map[string]string{"group": "groups", "provider": "providers"}
	out := slices.Clone(ds)
	for i, d := range out {
		if d.Ref == nil {
			continue
		}
		r := d.Ref
		adopt := fmt.Sprintf("declare it under %s to adopt it", section[r.Kind])
		if r.Kind == "group" {
			adopt += " (its members untouched)"
		}
		switch s := suggest.Closest(r.Name, names[r.Kind]); {
		case slices.Contains(names[r.Kind], r.Name):
			out[i].Msg = fmt.Sprintf("%s, which exists in authentik but is not declared in the manifest; %s", r.Subject, adopt)
		case s != "" && !strings.Contains(d.Msg, "did you mean"):
			// The manifest had nothing close; authentik has.
			out[i].Msg = fmt.Sprintf("%s, which is not declared in the manifest; did you mean %q? It exists in authentik: %s", r.Subject, s, adopt)
		}
	}
	return out
}
