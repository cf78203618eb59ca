package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

type checkOptions struct {
	io         IOStreams
	conn       connFlags
	Path       string
	App        string
	EnvFile    string
	OutputName string
	OutputDir  string
	client     clientCheckFlags
}

func newCheckCmd(streams IOStreams) *cobra.Command {
	o := &checkOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "check -f PATH --app SLUG [--output NAME] [--env FILE]",
		Short: "Verify an application's outputs end to end and print a checklist",
		Long: `check automates the walkthrough's last step for each output of the
application (or only --output NAME). It fetches the discovery document
at authentik's public URL (saying so when the API answers but the public URL
does not) and checks the issuer, the redirect URI, that the output's file
holds what authentik says, and the access groups. For a preset whose app
reads authentik's endpoints from its own settings (` + strings.Join(appCheckPresets(), ", ") + `), check
tests those settings instead: discovery at the issuer they name, https, that
the authorization endpoint accepts the app's request with its own callback as
redirect_uri, the signing algorithm, the redirect URI, that the client id and
secret match authentik's, and the preset's own items. A provider with no
redirect URIs gets no authorization request (authentik would save the first
redirect_uri it is sent): that item fails unprobed. --env FILE replaces the
file of an output written as a .env file.

Then it probes the client app itself at the output's url (--client-url to
probe another address), without credentials, for the presets with probes
(` + strings.Join(check.ClientPresets(), ", ") + `): that the login page shows the button with the
manifest's label, and that the login sends the browser to authentik with
this client's id, redirect URI and scope. Each failure names its likely
cause. An app that does not answer is a warning (--require-client: a
failure); --wait 60s waits for it after a restart. -o json lists every item
with its status.

An application without outputs is checked by its provider: SAML (the
metadata is served and names the issuer, the ACS URL, the signing
certificate, the access groups) or LDAP (the base DN, an LDAP outpost serves
it and has connected, the access groups); provision show lists what its
client needs.
Exit 1 on any failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.EnvFile, "env", "", ".env file to check in place of the file of each output written as dotenv (default: the output's file)")
	cmd.Flags().StringVar(&o.OutputName, "output", "", "check only this output of the application (its name under outputs:)")
	oldSpelling(cmd, "output-name", "--output", &o.OutputName, streams)
	outputDirFlag(cmd, &o.OutputDir)
	o.client.register(cmd)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *checkOptions) run(ctx context.Context) error {
	if err := o.client.validate(); err != nil {
		return err
	}
	st, err := loadAppIn(ctx, o.io, &o.conn, o.Path, o.OutputDir, o.App, o.reads)
	if err != nil {
		return err
	}
	if !hasOutputs(st.app) {
		return o.runProvider(ctx, st)
	}
	a, c, live := st.app, st.client, st.live
	public := outputs.PublicURL(st.manifest, c.BaseURL())
	all, err := outputs.Resolve(a, outputOptions(st.manifest, o.io, o.OutputDir, c.BaseURL()))
	if err != nil {
		return err
	}
	o.oldFormatSpelling(all)
	var rs []*outputs.Resolved
	for _, r := range all {
		if o.OutputName == "" || r.Name == o.OutputName {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return fmt.Errorf("application %q has no output %q", a.Slug, o.OutputName)
	}
	if o.EnvFile != "" && !slices.ContainsFunc(rs, func(r *outputs.Resolved) bool { return r.Format.Name() == dotenvFormat }) {
		return fmt.Errorf("--env replaces the file of an output written as a .env file (format: dotenv), and application %q has no such output to check", a.Slug)
	}
	var groups []string
	if a.Access != nil {
		groups = a.Access.Groups
	}
	var items []check.Item
	var sources []string
	fileEnv := map[string]map[string]string{}
	for _, r := range rs {
		in, source, err := o.outputInput(r, public, c.BaseURL(), live)
		if err != nil {
			return err
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
		items = append(items, its...)
		sources = append(sources, source)
	}
	targets, clientItems := o.client.clientTargets(public, rs, live, fileEnv, o.rewriteCommand)
	clientItems = append(clientItems, o.client.clientItems(ctx, targets, o.io.deps.clock)...)
	header := fmt.Sprintf("Checking %q against %s (settings from %s):", a.Slug, c.BaseURL(), strings.Join(sources, "; "))
	if err := o.client.report(o.io.Out, o.io.colorEnabled(), a.Slug, header, items, clientItems, targets); err != nil {
		return err
	}
	if check.Failed(items) || check.Failed(clientItems) {
		return &silentError{errors.New("check failed")}
	}
	return nil
}

const envFromAuthentik = "authentik (no .env file yet)"

// rewriteCommand is the command that rewrites r's settings file from
// authentik, as check prints it for settings that differ: provision env
// with --out the file check read (--env FILE, or the output's file). ""
// when the output has no file (apply then is the fix).
func (o *checkOptions) rewriteCommand(r *outputs.Resolved) string {
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
// digits and ./_:=@+,- (single quotes, each ' written as '\”).
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
func (o *checkOptions) settingsFile(r *outputs.Resolved) (map[string]string, string, error) {
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
func (o *checkOptions) outputInput(r *outputs.Resolved, public, apiURL string, live *plan.Live) (check.OutputInput, string, error) {
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
func (o *checkOptions) appInput(in check.OutputInput, app outputs.AppChecker, r *outputs.Resolved, public string, live *plan.Live) (check.OutputInput, string, error) {
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
func (o *checkOptions) oldFormatSpelling(all []*outputs.Resolved) {
	if o.OutputName != "text" && o.OutputName != "json" {
		return
	}
	for _, r := range all {
		if r.Name == o.OutputName {
			return
		}
	}
	fmt.Fprintf(o.io.ErrOut, "Warning: --output %s as a format is the old spelling of -o/--format %s, and goes away in the next release (--output now names an output).\n", o.OutputName, o.OutputName)
	o.client.Output, o.OutputName = o.OutputName, ""
}

// reads is what check needs of authentik: an application's outputs' reads,
// or for one without outputs (SAML, LDAP: configured by hand from show)
// its provider of that type, key pairs, outposts and access.
func (o *checkOptions) reads(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
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
func (o *checkOptions) runProvider(ctx context.Context, st *appState) error {
	a, c := st.app, st.client
	in := check.ProviderInput{Slug: a.Slug, Live: st.live, Show: "provision show -f " + o.Path + " --app " + a.Slug}
	if a.Access != nil {
		in.Groups = a.Access.Groups
	}
	var items []check.Item
	for _, p := range st.manifest.Providers {
		if a.Provider == nil || p.Name != *a.Provider {
			continue
		}
		switch p.Type {
		case manifest.TypeSAML:
			if p.ACSURL != nil {
				in.ACSURL = *p.ACSURL
			}
			items = check.SAML(ctx, c, in)
		case manifest.TypeLDAP:
			if p.BaseDN != nil {
				in.BaseDN = *p.BaseDN
			}
			items = check.LDAP(ctx, c, in)
		}
	}
	header := fmt.Sprintf("Checking %q against %s (its client is configured by hand: %s lists what it needs):", a.Slug, c.BaseURL(), in.Show)
	if err := o.client.report(o.io.Out, o.io.colorEnabled(), a.Slug, header, items, nil, nil); err != nil {
		return err
	}
	if check.Failed(items) {
		return &silentError{errors.New("check failed")}
	}
	return nil
}
