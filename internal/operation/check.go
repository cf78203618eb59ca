package operation

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

// CheckOptions are check's.
type CheckOptions struct {
	Conn      Conn
	Path      string
	OutputDir string
	App       string
	// EnvFile replaces the file of each output written as dotenv.
	EnvFile string
	// OutputName is one output of the application; "" is all.
	OutputName string
	// ClientURL probes the client app there instead of the output's url.
	ClientURL string
	// ClientWait waits up to this long for the client app to answer.
	ClientWait time.Duration
	// RequireClient fails when the client app does not answer.
	RequireClient bool
	// Format is text or json; --output text|json, its old spelling, sets
	// it when the application has no output of that name.
	Format string
}

// Validate checks the options before anything is read.
func (o *CheckOptions) Validate() error {
	if o.Format != "text" && o.Format != "json" {
		return fmt.Errorf("unknown output format %q: use text or json", o.Format)
	}
	if o.ClientWait < 0 {
		return fmt.Errorf("--wait must not be negative")
	}
	return nil
}

// RunCheck tests both halves of an application's login: authentik's (for
// each output, or for an application without outputs its SAML or LDAP
// provider) and the client app's, probed without credentials.
func RunCheck(ctx context.Context, d Deps, o *CheckOptions) (*render.Check, error) {
	st, err := LoadApp(ctx, d, o.Conn, o.Path, o.OutputDir, o.App, o.reads)
	if err != nil {
		return nil, err
	}
	if !hasOutputs(st.App) {
		return o.runProvider(ctx, st), nil
	}
	a, c, live := st.App, st.Client, st.Live
	public := outputs.PublicURL(st.Manifest, c.BaseURL())
	all, err := outputs.Resolve(a, outputOptions(st.Manifest, d, o.OutputDir, c.BaseURL()))
	if err != nil {
		return nil, err
	}
	o.oldFormatSpelling(all, d)
	var rs []*outputs.Resolved
	for _, r := range all {
		if o.OutputName == "" || r.Name == o.OutputName {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("application %q has no output %q", a.Slug, o.OutputName)
	}
	if o.EnvFile != "" && !slices.ContainsFunc(rs, func(r *outputs.Resolved) bool { return r.Format.Name() == dotenvFormat }) {
		return nil, fmt.Errorf("--env replaces the file of an output written as a .env file (format: dotenv), and application %q has no such output to check", a.Slug)
	}
	var groups []string
	if a.Access != nil {
		groups = a.Access.Groups
	}
	res := &render.Check{Slug: a.Slug, ClientSide: true}
	var sources []string
	fileEnv := map[string]map[string]string{}
	for _, r := range rs {
		in, source, err := o.outputInput(r, public, c.BaseURL(), live)
		if err != nil {
			return nil, err
		}
		fileEnv[r.Name] = in.Actual
		in.Groups = groups
		in.Rewrite = o.rewriteCommand(r)
		its := check.Output(ctx, c, in)
		if len(rs) > 1 {
			for i := range its {
				its[i].Name = r.Name + ": " + its[i].Name
			}
			source = r.Name + " from " + source
		}
		res.Authentik = append(res.Authentik, its...)
		sources = append(sources, source)
	}
	targets, clientItems := o.clientTargets(public, rs, live, fileEnv)
	for _, t := range targets {
		clientItems = append(clientItems, check.Client(ctx, check.ClientOptions{Wait: o.ClientWait, RequireClient: o.RequireClient, Clock: d.Clock}, t)...)
		res.ClientURLs = append(res.ClientURLs, t.URL)
	}
	res.Client = clientItems
	res.Header = fmt.Sprintf("Checking %q against %s (settings from %s):", a.Slug, c.BaseURL(), strings.Join(sources, "; "))
	return res, nil
}

const envFromAuthentik = "authentik (no .env file yet)"

// rewriteCommand is the command that rewrites r's settings file from
// authentik, as check prints it for settings that differ: provision env
// with --out the file check read (--env FILE, or the output's file). ""
// when the output has no file (apply then is the fix).
func (o *CheckOptions) rewriteCommand(r *outputs.Resolved) string {
	file := ""
	switch {
	case o.EnvFile != "" && r.Format.Name() == dotenvFormat:
		file = o.EnvFile
	case r.HasFile && !r.Target.Stdout:
		file = r.Target.Path()
	default:
		return ""
	}
	words := []string{"provision", "env", "-f", o.Path, "--app", r.App.Slug, "--output", r.Name, "--out", file}
	for i, w := range words {
		words[i] = hintWord(w)
	}
	return strings.Join(words, " ")
}

// hintWord quotes w for a shell when it holds anything but letters,
// digits and ./_:=@+,- (in single quotes; a quote inside closes them,
// is escaped, and reopens them).
func hintWord(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./_:=@+,-") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// expected computes an output's settings from authentik (no new secrets).
func expected(r *outputs.Resolved, public string, live *plan.Live) ([]outputs.Var, error) {
	v, err := outputs.LiveValues(public, r.App, live)
	if err != nil {
		return nil, err
	}
	return outputs.VarsFor(r, v, nil, nil)
}

// settingsFile reads the settings an output's application runs with: --env
// FILE for an output written as a .env file, else the output's file. It
// returns nil, and no source, when there is no file yet.
func (o *CheckOptions) settingsFile(r *outputs.Resolved) (map[string]string, string, error) {
	if o.EnvFile != "" && r.Format.Name() == dotenvFormat {
		data, err := os.ReadFile(o.EnvFile)
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", o.EnvFile, err)
		}
		vars, err := dotenv.Parse(data)
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", o.EnvFile, err)
		}
		return vars, o.EnvFile, nil
	}
	env, ok, err := readTarget(r)
	if err != nil || !ok {
		return nil, "", err
	}
	return env, r.Target.Path(), nil
}

// dotenvFormat is the name of the .env format, the one --env reads.
const dotenvFormat = "dotenv"

// readTarget reads an output's file in its format; ok is false when the
// output names no file or it does not exist yet.
func readTarget(r *outputs.Resolved) (map[string]string, bool, error) {
	if !r.HasFile || r.Target.Stdout {
		return nil, false, nil
	}
	data, err := os.ReadFile(r.Target.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", r.Target.Path(), err)
	}
	env, err := r.Format.Parse(data)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", r.Target.Path(), err)
	}
	return env, true, nil
}

// outputInput gathers what check.Output compares for a preset's output,
// and says where the settings come from.
func (o *CheckOptions) outputInput(r *outputs.Resolved, public, apiURL string, live *plan.Live) (check.OutputInput, string, error) {
	in := check.OutputInput{Label: r.Preset.Label(), APIURL: apiURL, Slug: r.App.Slug, Live: live}
	if app, ok := r.Preset.(outputs.AppChecker); ok {
		return o.appInput(in, app, r, public, live)
	}
	vars, err := expected(r, public, live)
	if err != nil {
		return in, "", err
	}
	v, _ := outputs.LiveValues(public, r.App, live)
	in.DiscoveryURL, in.Issuer, in.RedirectURI = v.DiscoveryURL(), v.Issuer(), r.Preset.RedirectURI(r.Out)
	in.Expected = varsByKey(vars)
	env, source, err := o.settingsFile(r)
	if err != nil {
		return in, "", err
	}
	if env == nil {
		return in, "authentik (no file yet)", nil
	}
	in.Actual = env
	return in, source, nil
}

// appInput is outputInput for a preset that checks the settings its
// application runs with: those of its file, else computed from authentik.
func (o *CheckOptions) appInput(in check.OutputInput, app outputs.AppChecker, r *outputs.Resolved, public string, live *plan.Live) (check.OutputInput, string, error) {
	env, source, err := o.settingsFile(r)
	if err != nil {
		return in, "", err
	}
	in.Actual = env
	if env == nil {
		vars, err := expected(r, public, live)
		if err != nil {
			return in, "", err
		}
		env, source = varsByKey(vars), envFromAuthentik
	}
	// Without the application in authentik, check.Output reports that
	// first and stops: the zero values are not compared.
	v, _ := outputs.LiveValues(public, r.App, live)
	c := app.AppCheck(env, v)
	in.App = &c
	return in, source, nil
}

func varsByKey(vars []outputs.Var) map[string]string {
	m := make(map[string]string, len(vars))
	for _, x := range vars {
		m[x.Key] = x.Value
	}
	return m
}

// oldFormatSpelling takes --output text|json, check's format flag before
// --output named an output, as the format when the application has no
// output of that name, with a warning.
func (o *CheckOptions) oldFormatSpelling(all []*outputs.Resolved, d Deps) {
	if o.OutputName != "text" && o.OutputName != "json" {
		return
	}
	for _, r := range all {
		if r.Name == o.OutputName {
			return
		}
	}
	fmt.Fprintf(d.log(), "Warning: --output %s as a format is the old spelling of -o/--format %s, and goes away in the next release (--output now names an output).\n", o.OutputName, o.OutputName)
	o.Format, o.OutputName = o.OutputName, ""
}

// reads is what check needs of authentik: an application's outputs' reads,
// or for one without outputs (SAML, LDAP: configured by hand from show)
// its provider of that type, key pairs, outposts and access.
func (o *CheckOptions) reads(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
	if hasOutputs(a) {
		return outputReads(plan.KindKeyPair, plan.KindGroup, plan.KindBinding)(m, a)
	}
	switch typ := manifestProviderType(m, a); typ {
	case manifest.TypeSAML, manifest.TypeLDAP:
		return plan.Reads{Kinds: []plan.Kind{plan.KindApplication, plan.KindProvider, plan.KindKeyPair, plan.KindGroup, plan.KindBinding, plan.KindOutpost}, ProviderTypes: []string{typ}}, nil
	}
	return plan.Reads{}, fmt.Errorf("application %q (%s) declares no outputs, so check has no client settings to test; provision show -f %s --app %s lists what its client needs", a.Slug, a.Src.Pos, o.Path, a.Slug)
}

// manifestProviderType is the type of the provider the application names
// in the manifest, "" when it names none the manifest declares.
func manifestProviderType(m *manifest.Manifest, a *manifest.Application) string {
	if a.Provider == nil {
		return ""
	}
	for _, p := range m.Providers {
		if p.Name == *a.Provider {
			return p.Type
		}
	}
	return ""
}

// runProvider checks a SAML or LDAP application, which has no outputs: its
// client (a wiki, a directory consumer) is configured from provision show.
func (o *CheckOptions) runProvider(ctx context.Context, st *AppState) *render.Check {
	a, c := st.App, st.Client
	in := check.ProviderInput{Slug: a.Slug, Live: st.Live, Show: "provision show -f " + o.Path + " --app " + a.Slug}
	if a.Access != nil {
		in.Groups = a.Access.Groups
	}
	res := &render.Check{Slug: a.Slug}
	for _, p := range st.Manifest.Providers {
		if a.Provider == nil || p.Name != *a.Provider {
			continue
		}
		switch p.Type {
		case manifest.TypeSAML:
			if p.ACSURL != nil {
				in.ACSURL = *p.ACSURL
			}
			res.Authentik = check.SAML(ctx, c, in)
		case manifest.TypeLDAP:
			if p.BaseDN != nil {
				in.BaseDN = *p.BaseDN
			}
			res.Authentik = check.LDAP(ctx, c, in)
		}
	}
	res.Header = fmt.Sprintf("Checking %q against %s (its client is configured by hand: %s lists what it needs):", a.Slug, c.BaseURL(), in.Show)
	return res
}

// clientTargets says what each client output should look like from
// outside, computed from authentik's live state (URLs on authentik's
// public URL). fileEnv holds each output's file as read from disk, by
// output name (absent when there is none); the probes' hints name the
// command that rewrites an output's file (rewriteCommand). An output whose
// preset has no probe registered in internal/check gets a bare target, for which
// check.Client reports an informational item rather than nothing.
func (o *CheckOptions) clientTargets(public string, rs []*outputs.Resolved, live *plan.Live, fileEnv map[string]map[string]string) ([]check.ClientTarget, []check.Item) {
	var targets []check.ClientTarget
	var skipped []check.Item
	for _, r := range rs {
		if !slices.Contains(check.ClientPresets(), r.Preset.Name()) {
			targets = append(targets, check.ClientTarget{Preset: r.Preset.Name(), URL: r.Out.URL})
			continue
		}
		vars, err := expected(r, public, live)
		if err != nil {
			skipped = append(skipped, check.Item{Name: r.Preset.Label() + ": probes", Status: check.Info, Detail: fmt.Sprintf("skipped: %v", err)})
			continue
		}
		v, _ := outputs.LiveValues(public, r.App, live)
		t := check.ClientTarget{
			Preset: r.Preset.Name(), URL: r.Out.URL, Scopes: v.Scopes,
			AuthorizeURL: v.AuthorizeURL(), RedirectURI: r.Preset.RedirectURI(r.Out),
			Rewrite: o.rewriteCommand(r),
		}
		for _, x := range vars {
			switch x.From {
			case "provider.client_id":
				t.ClientID = x.Value
				t.FileClientID = fileEnv[r.Name][x.Key]
			case "button_label", "provider_name":
				t.ButtonLabel = x.Value
			case "image_url":
				t.ImageURL = x.Value
			}
		}
		t.Settings = varsByKey(vars)
		targets = append(targets, t)
	}
	if o.ClientURL != "" {
		for i := range targets {
			targets[i].URL = o.ClientURL
		}
	}
	return targets, skipped
}
