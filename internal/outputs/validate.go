package outputs

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/pyregex"
	"github.com/provision/provision/internal/suggest"
)

// Options say where outputs go and which values they are checked with.
type Options struct {
	// OutputDir (--output-dir) replaces the manifest's directory as the base
	// of relative files, and allows absolute files inside it.
	OutputDir string
	// PublicURL is authentik's URL for clients (the manifest's
	// authentik.public_url, else AUTHENTIK_URL); "" offline.
	PublicURL string
	// Live is authentik's state (plan, apply): checks then use the values
	// authentik holds, such as an existing client secret. nil offline.
	Live *plan.Live
	// Groups are the groups the manifest declares (present): a group an
	// output option names (Grafana's admin_group) must be one of them, as
	// an access group must. nil skips the check.
	Groups []string
	// ScopeMappings are the manifest's scope mappings (present), for the
	// presets' requirements (Requirer); authentik's are added from Live.
	ScopeMappings []ScopeMapping
}

// scopeClaims are the scope mappings a provider's scopes can resolve to.
func (o Options) scopeClaims() ScopeClaims {
	s := ScopeClaims{Mappings: slices.Clone(o.ScopeMappings)}
	if o.Live != nil {
		for _, m := range o.Live.ScopeMappings() {
			s.Mappings = append(s.Mappings, ScopeMapping{Name: m.Name, ScopeName: m.ScopeName, Expression: m.Expression, Managed: strings.HasPrefix(m.Managed, "goauthentik.io/providers/")})
		}
	}
	return s
}

// GroupOptions is a preset whose options name authentik groups.
type GroupOptions interface {
	GroupOptions() []string
}

// PublicURL is authentik's URL as clients reach it: the manifest's
// authentik.public_url when set, else apiURL, without a trailing slash.
func PublicURL(m *manifest.Manifest, apiURL string) string {
	// A public_url that is not an absolute http(s) URL is reported once,
	// at its own line, by the manifest's validation; outputs then check
	// against the API address rather than repeat that problem.
	if m.Authentik != nil && m.Authentik.PublicURL != "" && checkURL("public_url", m.Authentik.PublicURL) == nil {
		return strings.TrimRight(m.Authentik.PublicURL, "/")
	}
	return strings.TrimRight(apiURL, "/")
}

// Resolved is one output of an application, with its preset and format.
type Resolved struct {
	App    *manifest.Application
	Name   string
	Out    *manifest.Output
	Preset Preset
	Format Format
	// Target is where it is written; HasFile is false when it names none.
	Target  Target
	HasFile bool
}

// Meta is the format's metadata (the Secret's name defaults to <slug>-oidc).
func (r *Resolved) Meta() Meta {
	name := r.Out.SecretName
	if name == "" {
		name = strings.ToLower(r.App.Slug) + "-oidc"
	}
	m := Meta{SecretName: name, Namespace: r.Out.Namespace}
	m.Scripter, _ = r.Preset.(Scripter)
	return m
}

func (o Options) base(a *manifest.Application) string {
	if o.OutputDir != "" {
		return o.OutputDir
	}
	if a.Src.Pos.File == "" {
		return "."
	}
	return filepath.Dir(a.Src.Pos.File)
}

// Resolve returns an application's outputs by name, or the first problem
// with each one that cannot be resolved (as errors naming file:line).
func Resolve(a *manifest.Application, opts Options) ([]*Resolved, error) {
	var out []*Resolved
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(a.Outputs)) {
		r, ps := opts.resolve(a, name)
		for _, p := range ps {
			errs = append(errs, fmt.Errorf("%s: %s", at(a, nil, name, p.Key), message(a, name, p.Msg)))
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, errors.Join(errs...)
}

func (o Options) resolve(a *manifest.Application, name string) (*Resolved, []Problem) {
	out := a.Outputs[name]
	if out == nil {
		out = &manifest.Output{}
		a.Outputs[name] = out
	}
	preset, err := PresetOf(name, out)
	if err != nil {
		key := ""
		if out.Preset != "" {
			key = "preset"
		}
		return nil, []Problem{{Key: key, Msg: err.Error()}}
	}
	allowed := formatsOf(preset)
	fname := out.Format
	if fname == "" {
		fname = allowed[0]
	}
	format, err := FormatOf(fname)
	if err != nil {
		return nil, []Problem{{Key: "format", Msg: err.Error()}}
	}
	if !slices.Contains(allowed, fname) {
		return nil, []Problem{{Key: "format", Msg: fmt.Sprintf("the %s preset is written as %s, not %s", preset.Name(), strings.Join(allowed, " or "), fname)}}
	}
	r := &Resolved{App: a, Name: name, Out: out, Preset: preset, Format: format}
	if out.File != "" {
		t, err := Confine(o.base(a), out.File, o.OutputDir != "")
		if err != nil {
			return nil, []Problem{{Key: "file", Msg: err.Error()}}
		}
		r.Target, r.HasFile = t, true
	}
	return r, nil
}

// at is the manifest position of an output's key ("" the output itself,
// "provider.<key>" the provider's key).
func at(a *manifest.Application, p *manifest.Provider, name, key string) manifest.Position {
	if k, ok := strings.CutPrefix(key, "provider."); ok && p != nil {
		return p.Src.At(k)
	}
	full := "outputs." + name
	if key != "" && !strings.HasPrefix(key, "provider.") {
		if a.Src.Has(full + "." + key) {
			return a.Src.At(full + "." + key)
		}
		if k, _, ok := strings.Cut(key, "."); ok && a.Src.Has(full+"."+k) {
			return a.Src.At(full + "." + k)
		}
	}
	return a.Src.At(full)
}

func message(a *manifest.Application, name, msg string) string {
	return fmt.Sprintf("application %q, output %s: %s", a.Slug, name, msg)
}

// claim is a file key an output writes, for conflict reports.
type claim struct {
	app, output string
	pos         manifest.Position
}

// Validator returns manifest.Validate's hook for application outputs. It
// checks each output (preset, format, file confinement, the preset's own
// rules, the redirect URI) and then the exact values it will write: from
// the manifest and placeholders offline, from authentik with opts.Live. Two
// outputs writing the same key of one file are refused. Call it once per
// Validate: it remembers the files earlier applications claimed.
func Validator(opts Options) func(*manifest.Application, *manifest.Provider) []manifest.Diagnostic {
	claims := map[string]map[string]claim{}
	formatOf := map[string]claim{}
	formatName := map[string]string{}
	return func(a *manifest.Application, p *manifest.Provider) []manifest.Diagnostic {
		if a.State.IsAbsent() {
			return nil
		}
		if p == nil && a.Provider != nil && *a.Provider != "" {
			return nil // an unresolved provider reference is reported on its own
		}
		var ds []manifest.Diagnostic
		add := func(name, key, msg string) {
			pos := at(a, p, name, key)
			if strings.HasPrefix(key, "provider.") {
				ds = append(ds, manifest.Diagnostic{Pos: pos, Msg: msg})
				return
			}
			ds = append(ds, manifest.Diagnostic{Pos: pos, Msg: message(a, name, msg)})
		}
		for _, name := range slices.Sorted(maps.Keys(a.Outputs)) {
			r, ps := opts.resolve(a, name)
			for _, pr := range ps {
				add(name, pr.Key, pr.Msg)
			}
			if r == nil {
				continue
			}
			ds = append(ds, opts.groupRefs(a, p, r)...)
			n := len(ds)
			vars := opts.check(r, p, add)
			if len(ds) > n || !r.HasFile || r.Target.Stdout {
				continue
			}
			path := r.Target.Path()
			if prev, ok := formatOf[path]; ok && formatName[path] != r.Format.Name() {
				add(name, "file", fmt.Sprintf("file %s is also written as %s by application %q output %s (%s); one file has one format", r.Out.File, formatName[path], prev.app, prev.output, prev.pos))
				continue
			}
			formatOf[path], formatName[path] = claim{a.Slug, name, at(a, p, name, "file")}, r.Format.Name()
			if r.Format.Name() == "kubernetes-secret" && claims[path] != nil {
				add(name, "file", fmt.Sprintf("file %s is a Secret another output writes whole; give each kubernetes-secret output its own file", r.Out.File))
				continue
			}
			if claims[path] == nil {
				claims[path] = map[string]claim{}
			}
			// One problem per other output, naming every key both write.
			clash := map[claim][]string{}
			var clashOrder []claim
			for _, v := range vars {
				if prev, ok := claims[path][v.Key]; ok && (prev.app != a.Slug || prev.output != name) {
					if clash[prev] == nil {
						clashOrder = append(clashOrder, prev)
					}
					clash[prev] = append(clash[prev], v.Key)
					continue
				}
				claims[path][v.Key] = claim{a.Slug, name, at(a, p, name, "file")}
			}
			for _, prev := range clashOrder {
				keys := clash[prev]
				what, verb := keys[0], "is"
				if len(keys) > 1 {
					what, verb = fmt.Sprintf("%d keys (%s)", len(keys), strings.Join(keys, ", ")), "are"
				}
				add(name, "file", fmt.Sprintf("%s in %s %s also written by application %q output %s (%s); give one of them another file", what, r.Out.File, verb, prev.app, prev.output, prev.pos))
			}
		}
		return ds
	}
}

// check runs one output's checks, reporting each problem with add. It
// returns the settings the output writes, computed once its other checks
// passed (nil otherwise).
func (opts Options) check(r *Resolved, p *manifest.Provider, add func(name, key, msg string)) []Var {
	name, o := r.Name, r.Out
	for _, k := range slices.Sorted(maps.Keys(o.Options)) {
		if !slices.Contains(r.Preset.Options(), k) {
			known := append([]string{"preset", "format", "file", "url", "env", "vars", "secret_name", "namespace"}, r.Preset.Options()...)
			msg := fmt.Sprintf("unknown field %q for the %s preset", k, r.Preset.Name())
			if s := suggest.Closest(k, known); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			add(name, k, msg)
		}
	}
	if p == nil || p.Type != manifest.TypeOAuth2 {
		what := "none"
		if p != nil {
			what = fmt.Sprintf("%q is %s", p.Name, p.Type)
		}
		add(name, "", fmt.Sprintf("%s output needs an oauth2 provider (%s)", r.Preset.Name(), what))
		return nil
	}
	for _, pr := range r.Format.Check(o.SecretName, o.Namespace) {
		add(name, pr.Key, pr.Msg)
	}
	var existing map[string]string
	if r.HasFile && !r.Target.Stdout {
		if data, err := r.Target.read(); err != nil {
			add(name, "file", err.Error())
		} else if data != nil {
			if existing, err = r.Format.Parse(data); err != nil {
				add(name, "file", fmt.Sprintf("%s exists but cannot be read as %s (%v); provision does not merge into it: move it away or pick another file", o.File, r.Format.Name(), err))
			}
		}
	}
	ps := r.Preset.Validate(o, p)
	if rq, ok := r.Preset.(Requirer); ok {
		ps = append(ps, rq.Requirements(o, p, opts.scopeClaims())...)
	}
	for _, pr := range ps {
		add(name, pr.Key, pr.Msg)
	}
	if uri := r.Preset.RedirectURI(o); uri != "" && !redirectAllowed(p.RedirectURIs, uri, func(i int, err error) {
		add(name, fmt.Sprintf("provider.redirect_uris[%d]", i), fmt.Sprintf("provider %q: redirect URI regex %q: %v", p.Name, p.RedirectURIs[i].URL, err))
	}) {
		add(name, "provider.redirect_uris", fmt.Sprintf("provider %q must allow %s's callback %s in redirect_uris, as a strict entry (or leave redirect_uris out: provision then derives it from the outputs)", p.Name, r.Preset.Label(), uri))
	}
	if len(ps) > 0 {
		return nil
	}
	vars, err := opts.vars(r, p, existing)
	if err != nil {
		add(name, "", err.Error())
		return nil
	}
	for _, v := range vars {
		if err := r.Format.CheckValue(v.Key, v.Value); err != nil {
			msg := err.Error()
			switch {
			case v.From == "provider.client_secret" && p.ClientSecret == nil:
				msg = fmt.Sprintf("provider %q: authentik's client secret cannot be written for output %s of application %q: %v; set a new client_secret in the manifest (or remove the provider's secret in authentik so it is generated again), or write the output with format: json or kubernetes-secret", p.Name, name, r.App.Slug, err)
			case v.From == "provider.client_secret" && r.Format.Name() == "dotenv":
				msg = fmt.Sprintf("provider %q: %v (output %s of application %q); remove client_secret so that authentik generates one, or choose one without such characters", p.Name, err, name, r.App.Slug)
			case strings.HasPrefix(v.From, "provider."):
				msg = fmt.Sprintf("provider %q: %v (output %s of application %q)", p.Name, err, name, r.App.Slug)
			case r.Format.Name() == "dotenv":
				msg += "; change the value, or write this output with format: json or kubernetes-secret"
			}
			add(name, v.From, msg)
		}
	}
	return vars
}

// placeholder stands for a value authentik generates (letters and digits,
// like authentik's own), when it is not known yet.
const placeholder = "generatedbyauthentik"

// vars computes an output's settings for a check: the manifest's values,
// else authentik's (opts.Live), else placeholders; existing is what the
// target holds (nil when absent or unreadable).
func (opts Options) vars(r *Resolved, p *manifest.Provider, existing map[string]string) ([]Var, error) {
	v := Values{PublicURL: opts.PublicURL, Slug: r.App.Slug, Scopes: p.WithDefaults().Scopes}
	if p.IssuerMode != nil {
		v.IssuerMode = *p.IssuerMode
	}
	if v.PublicURL == "" {
		v.PublicURL = "https://authentik.invalid"
	}
	var live *plan.OAuth2Detail
	if opts.Live != nil {
		for i := range opts.Live.Providers {
			lp := &opts.Live.Providers[i]
			if lp.Name == p.Name && lp.Type == manifest.TypeOAuth2 {
				live = lp.OAuth2()
			}
		}
	}
	switch {
	case p.ClientID != nil:
		v.ClientID = *p.ClientID
	case live != nil:
		v.ClientID = live.ClientID
	default:
		v.ClientID = placeholder
	}
	switch {
	case p.ClientSecret != nil:
		v.ClientSecret = *p.ClientSecret
	case live != nil:
		v.ClientSecret = live.ClientSecret
	case p.ClientType != nil && *p.ClientType == "public":
	default:
		v.ClientSecret = placeholder
	}
	v.Existing = existing
	return r.Preset.Vars(r.Out, v)
}

// redirectAllowed reports whether a provider's redirect_uris let uri
// through. A regex that times out (pyregex.MatchTimeout) lets nothing
// through and is told to timedOut with its index, when given.
func redirectAllowed(rs []manifest.RedirectURI, uri string, timedOut func(int, error)) bool {
	for i, r := range rs {
		switch r.MatchingMode {
		case "", "strict":
			if r.URL == uri {
				return true
			}
		case "regex":
			ok, err := pyregex.FullMatch(r.URL, uri)
			if errors.Is(err, pyregex.ErrTimeout) && timedOut != nil {
				timedOut(i, err)
			}
			if err == nil && ok {
				return true
			}
		}
	}
	return false
}

// DeriveRedirects fills redirect_uris of OAuth2 providers that declare
// none from the outputs of the applications using them: each preset's
// callback on the output's url, as a strict entry. Run it before Validate.
func DeriveRedirects(m *manifest.Manifest) {
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.Provider == nil || len(a.Outputs) == 0 || a.State.IsAbsent() {
			continue
		}
		for j := range m.Providers {
			p := &m.Providers[j]
			if p.Name != *a.Provider || p.Type != manifest.TypeOAuth2 || p.Src.Has("redirect_uris") {
				continue
			}
			for _, name := range slices.Sorted(maps.Keys(a.Outputs)) {
				preset, err := PresetOf(name, a.Outputs[name])
				if err != nil || a.Outputs[name] == nil {
					continue
				}
				uris := []string{preset.RedirectURI(a.Outputs[name])}
				if mr, ok := preset.(MoreRedirects); ok && uris[0] != "" {
					uris = append(uris, mr.MoreRedirectURIs(a.Outputs[name])...)
				}
				for _, uri := range uris {
					if uri != "" && !redirectAllowed(p.RedirectURIs, uri, nil) {
						p.RedirectURIs = append(p.RedirectURIs, manifest.RedirectURI{MatchingMode: "strict", URL: uri})
					}
				}
			}
		}
	}
}

// CheckManifest runs the output checks of Validator over every application
// of m (plan and apply run it with opts.Live, before any write).
func CheckManifest(m *manifest.Manifest, opts Options) error {
	hook := Validator(opts)
	var ds manifest.Diagnostics
	for i := range m.Applications {
		a := &m.Applications[i]
		if len(a.Outputs) == 0 || a.State.IsAbsent() {
			continue
		}
		var p *manifest.Provider
		for j := range m.Providers {
			if a.Provider != nil && m.Providers[j].Name == *a.Provider {
				p = &m.Providers[j]
			}
		}
		ds = append(ds, hook(a, p)...)
	}
	if len(ds) == 0 {
		return nil
	}
	slices.SortStableFunc(ds, func(x, y manifest.Diagnostic) int {
		if c := strings.Compare(x.Pos.File, y.Pos.File); c != 0 {
			return c
		}
		return x.Pos.Line - y.Pos.Line
	})
	return ds
}

// groupRefs reports the groups an output's options name that the manifest
// does not declare, as references (cmd/provision's liveHints then says
// whether authentik has them), with a did-you-mean among the declared ones.
func (opts Options) groupRefs(a *manifest.Application, p *manifest.Provider, r *Resolved) []manifest.Diagnostic {
	gp, ok := r.Preset.(GroupOptions)
	if !ok || opts.Groups == nil {
		return nil
	}
	var ds []manifest.Diagnostic
	for _, k := range gp.GroupOptions() {
		g := r.Out.Options[k]
		if g == "" || slices.Contains(opts.Groups, g) {
			continue
		}
		subject := message(a, r.Name, fmt.Sprintf("%s names group %q", k, g))
		hint := "; declare it under groups (if it already exists in authentik, declaring it adopts it, its members untouched)"
		if s := suggest.Closest(g, opts.Groups); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		ds = append(ds, manifest.Diagnostic{
			Pos: at(a, p, r.Name, k),
			Msg: subject + ", which is not declared in the manifest" + hint,
			Ref: &manifest.Reference{Kind: "group", Name: g, Subject: subject},
		})
	}
	return ds
}
