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
		Use:   "check -f PATH --app SLUG [--output-name NAME] [--env FILE]",
		Short: "Verify an application's outputs end to end and print a checklist",
		Long: `check automates the walkthrough's last step for each output of the
application (or only --output-name NAME). For LibreChat it fetches the
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
Exit 1 on any failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.EnvFile, "env", "", "LibreChat .env file to check (default: the manifest output's file)")
	cmd.Flags().StringVar(&o.OutputName, "output-name", "", "check only this output of the application (its name under outputs:)")
	outputDirFlag(cmd, &o.OutputDir)
	o.client.register(cmd)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *checkOptions) run(ctx context.Context) error {
	if err := o.client.validate(); err != nil {
		return err
	}
	st, err := loadAppIn(ctx, o.io, &o.conn, o.Path, o.OutputDir, o.App, outputReads(plan.KindKeyPair, plan.KindGroup, plan.KindBinding))
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	public := outputs.PublicURL(st.manifest, c.BaseURL())
	all, err := outputs.Resolve(a, outputOptions(st.manifest, o.io, o.OutputDir, c.BaseURL()))
	if err != nil {
		return err
	}
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
