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
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

type checkOptions struct {
	io      IOStreams
	conn    connFlags
	Path    string
	App     string
	EnvFile string
	client  clientCheckFlags
}

func newCheckCmd(streams IOStreams) *cobra.Command {
	o := &checkOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "check -f PATH --app SLUG [--env FILE]",
		Short: "Verify a LibreChat application end to end and print a checklist",
		Long: `check automates the walkthrough's last step: it fetches the discovery
document at OPENID_ISSUER and checks the issuer, https, that the authorization
endpoint answers, the signing algorithm, the redirect URI, that the .env's
client id and secret match authentik's and that the access groups are bound.
The .env is --env FILE, else the manifest output's file.

Then it probes the client app itself at the output's url (--client-url to
probe another address), without credentials: for LibreChat, that /api/config
shows the login button with the manifest's label, and that /oauth/openid
sends the browser to authentik with this client's id, redirect URI, scope
and PKCE. Each failure names its likely cause. An app that does not answer
is a warning (--require-client: a failure); --wait 60s waits for it after a
restart. -o json lists every item with its status.
Exit 1 on any failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.EnvFile, "env", "", "LibreChat .env file to check (default: the manifest output's file)")
	o.client.register(cmd)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *checkOptions) run(ctx context.Context) error {
	if err := o.client.validate(); err != nil {
		return err
	}
	st, err := loadApp(ctx, o.io, &o.conn, o.Path, o.App, libreChatReads(plan.KindKeyPair, plan.KindGroup, plan.KindBinding))
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	env, source, err := o.env(c.BaseURL(), a, live)
	if err != nil {
		return err
	}
	var groups []string
	if a.Access != nil {
		groups = a.Access.Groups
	}
	items := check.LibreChat(ctx, c, check.Input{Env: env, Slug: a.Slug, Groups: groups, Live: live})
	var fileEnv map[string]string
	if source != envFromAuthentik {
		fileEnv = env
	}
	targets, clientItems := o.client.clientTargets(c.BaseURL(), a, live, fileEnv)
	clientItems = append(clientItems, o.client.clientItems(ctx, targets)...)
	header := fmt.Sprintf("Checking %q against %s (settings from %s):", a.Slug, c.BaseURL(), source)
	if err := o.client.report(o.io.Out, o.io.colorEnabled(), a.Slug, header, items, clientItems, targets); err != nil {
		return err
	}
	if check.Failed(items) || check.Failed(clientItems) {
		return &silentError{errors.New("check failed")}
	}
	return nil
}

const envFromAuthentik = "authentik (no .env file yet)"

// env returns LibreChat's settings from the .env file, or computed from
// authentik when there is no file yet.
func (o *checkOptions) env(authentikURL string, a *manifest.Application, live *plan.Live) (map[string]string, string, error) {
	path := o.EnvFile
	if path == "" {
		path = outputs.EnvFile(a)
	}
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			vars, err := dotenv.Parse(data)
			if err != nil {
				return nil, "", fmt.Errorf("read %s: %w", path, err)
			}
			return vars, path, nil
		case o.EnvFile != "" || !errors.Is(err, fs.ErrNotExist):
			return nil, "", fmt.Errorf("read %s: %w", path, err)
		}
	}
	vars, err := outputs.LibreChatVars(authentikURL, a, live, "")
	if err != nil {
		return nil, "", err
	}
	env := map[string]string{}
	for _, v := range vars {
		env[v.Key] = v.Value
	}
	return env, envFromAuthentik, nil
}
