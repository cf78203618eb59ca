package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
application (or only --output NAME). For LibreChat it fetches the
discovery document at OPENID_ISSUER and checks the issuer, https, that the
authorization endpoint answers, the signing algorithm, the redirect URI, that
the .env's client id and secret match authentik's and that the access groups
are bound. The .env is --env FILE, else the output's file. For the other
presets it fetches discovery at authentik's public URL (saying so when the API
answers but the public URL does not) and checks the issuer, the redirect URI,
that the output's file holds what authentik says, and the access groups.

Then it probes the client app itself at the output's url (--client-url to
probe another address), without credentials: for LibreChat, that /api/config
shows the login button with the manifest's label, and that /oauth/openid
sends the browser to authentik with this client's id, redirect URI, scope
and PKCE; Open WebUI and Grafana likewise. Each failure names its likely
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
	cmd.Flags().StringVar(&o.EnvFile, "env", "", "LibreChat .env file to check (default: the manifest output's file)")
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
	var groups []string
	if a.Access != nil {
		groups = a.Access.Groups
	}
	var items []check.Item
	var sources []string
	fileEnv := map[string]map[string]string{}
	for _, r := range rs {
		var its []check.Item
		var source string
		if r.Preset.Name() == "librechat" {
			env, src, err := o.libreChatEnv(r, public, live)
			if err != nil {
				return err
			}
			source = src
			if src != envFromAuthentik {
				fileEnv[r.Name] = env
			}
			its = check.LibreChat(ctx, c, check.Input{Env: env, Slug: a.Slug, Groups: groups, Live: live})
		} else {
			in, src, err := o.outputInput(r, public, c.BaseURL(), live)
			if err != nil {
				return err
			}
			source = src
			fileEnv[r.Name] = in.Actual
			in.Groups = groups
			its = check.Output(ctx, c, in)
		}
		if len(rs) > 1 {
			for i := range its {
				its[i].Name = r.Name + ": " + its[i].Name
			}
			source = r.Name + " from " + source
		}
		items = append(items, its...)
		sources = append(sources, source)
	}
	targets, clientItems := o.client.clientTargets(public, rs, live, fileEnv)
	clientItems = append(clientItems, o.client.clientItems(ctx, targets)...)
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

// expected computes an output's settings from authentik (no new secrets).
func expected(r *outputs.Resolved, public string, live *plan.Live) ([]outputs.Var, error) {
	v, err := outputs.LiveValues(public, r.App, live)
	if err != nil {
		return nil, err
	}
	return outputs.VarsFor(r, v, nil, nil)
}

// libreChatEnv returns LibreChat's settings from the .env file, or computed
// from authentik when there is no file yet.
func (o *checkOptions) libreChatEnv(r *outputs.Resolved, public string, live *plan.Live) (map[string]string, string, error) {
	if o.EnvFile != "" {
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
	if env, ok, err := readTarget(r); err != nil || ok {
		return env, r.Target.Path(), err
	}
	vars, err := expected(r, public, live)
	if err != nil {
		return nil, "", err
	}
	env := map[string]string{}
	for _, v := range vars {
		env[v.Key] = v.Value
	}
	return env, envFromAuthentik, nil
}

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

// outputInput gathers what check.Output compares for a preset's output.
func (o *checkOptions) outputInput(r *outputs.Resolved, public, apiURL string, live *plan.Live) (check.OutputInput, string, error) {
	vars, err := expected(r, public, live)
	if err != nil {
		return check.OutputInput{}, "", err
	}
	v, _ := outputs.LiveValues(public, r.App, live)
	in := check.OutputInput{
		Label: r.Preset.Label(), DiscoveryURL: v.DiscoveryURL(), Issuer: v.Issuer(), APIURL: apiURL,
		RedirectURI: r.Preset.RedirectURI(r.Out), Expected: map[string]string{},
		Slug: r.App.Slug, Live: live,
	}
	for _, x := range vars {
		in.Expected[x.Key] = x.Value
	}
	env, ok, err := readTarget(r)
	if err != nil {
		return in, "", err
	}
	if !ok {
		return in, "authentik (no file yet)", nil
	}
	in.Actual = env
	return in, r.Target.Path(), nil
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
