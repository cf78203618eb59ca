package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

type checkOptions struct {
	io        IOStreams
	conn      connFlags
	Path      string
	App       string
	EnvFile   string
	Output    string
	OutputDir string
}

func newCheckCmd(streams IOStreams) *cobra.Command {
	o := &checkOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "check -f PATH --app SLUG [--output NAME] [--env FILE]",
		Short: "Verify an application's outputs end to end and print a checklist",
		Long: `check automates the walkthrough's last step for each output of the
application (or only --output NAME). For LibreChat it fetches the discovery
document at OPENID_ISSUER and checks the issuer, https, that the authorization
endpoint answers, the signing algorithm, the redirect URI, that the .env's
client id and secret match authentik's and that the access groups are bound.
For other presets it fetches discovery at authentik's public URL (saying so
when the API answers but the public URL does not), and checks the issuer, the
redirect URI, that the output's file holds what authentik says, and the
access groups. The LibreChat .env is --env FILE, else the output's file.
Exit 1 on any failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.EnvFile, "env", "", "LibreChat .env file to check (default: the manifest output's file)")
	cmd.Flags().StringVar(&o.Output, "output", "", "check only this output of the application")
	outputDirFlag(cmd, &o.OutputDir)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *checkOptions) run(ctx context.Context) error {
	st, err := loadAppIn(ctx, o.io, &o.conn, o.Path, o.OutputDir, o.App, outputReads(plan.KindKeyPair, plan.KindGroup, plan.KindBinding))
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	public := outputs.PublicURL(st.manifest, c.BaseURL())
	rs, err := outputs.Resolve(a, outputOptions(st.manifest, o.io, o.OutputDir, c.BaseURL()))
	if err != nil {
		return err
	}
	var groups []string
	if a.Access != nil {
		groups = a.Access.Groups
	}
	failed, checked := false, 0
	for _, r := range rs {
		if o.Output != "" && r.Name != o.Output {
			continue
		}
		checked++
		var items []check.Item
		var source string
		if r.Preset.Name() == "librechat" {
			env, src, err := o.libreChatEnv(r, public, live)
			if err != nil {
				return err
			}
			source = src
			items = check.LibreChat(ctx, c, check.Input{Env: env, Slug: a.Slug, Groups: groups, Live: live})
		} else {
			in, src, err := o.clientInput(r, public, c.BaseURL(), live)
			if err != nil {
				return err
			}
			source = src
			in.Groups = groups
			items = check.Client(ctx, c, in)
		}
		fmt.Fprintf(o.io.Out, "Checking %q output %s (%s) against %s (settings from %s):\n", a.Slug, r.Name, r.Preset.Label(), c.BaseURL(), source)
		if err := render.Checklist(o.io.Out, items, o.io.colorEnabled()); err != nil {
			return err
		}
		failed = failed || check.Failed(items)
	}
	if checked == 0 {
		return fmt.Errorf("application %q has no output %q", a.Slug, o.Output)
	}
	if failed {
		return &silentError{errors.New("check failed")}
	}
	return nil
}

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
	return env, "authentik (no .env file yet)", nil
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

// clientInput gathers what check.Client compares for a preset's output.
func (o *checkOptions) clientInput(r *outputs.Resolved, public, apiURL string, live *plan.Live) (check.ClientInput, string, error) {
	vars, err := expected(r, public, live)
	if err != nil {
		return check.ClientInput{}, "", err
	}
	v, _ := outputs.LiveValues(public, r.App, live)
	in := check.ClientInput{
		Label: r.Preset.Label(), DiscoveryURL: v.DiscoveryURL(), APIURL: apiURL,
		RedirectURI: r.Preset.RedirectURI(r.Out), Expected: map[string]string{}, Secret: map[string]bool{},
		Slug: r.App.Slug, Live: live,
	}
	for _, x := range vars {
		in.Expected[x.Key] = x.Value
		in.Secret[x.Key] = x.Secret
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
