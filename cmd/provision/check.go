package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/render"
)

type checkOptions struct {
	io  IOStreams
	ctx context.Context
	operation.CheckOptions
}

func newCheckCmd(streams IOStreams, runF func(*checkOptions) error) *cobra.Command {
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			o.ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return checkRun(o)
		},
	}
	manifestFlag(cmd, &o.Path)
	connFlags(cmd, &o.Conn)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.EnvFile, "env", "", ".env file to check in place of the file of each output written as dotenv (default: the output's file)")
	cmd.Flags().StringVar(&o.OutputName, "output", "", "check only this output of the application (its name under outputs:)")
	oldSpelling(cmd, "output-name", "--output", &o.OutputName, streams)
	outputDirFlag(cmd, &o.OutputDir)
	cmd.Flags().StringVar(&o.ClientURL, "client-url", "", "probe the client app at this URL instead of the output's url (e.g. from inside its network)")
	cmd.Flags().DurationVar(&o.ClientWait, "wait", 0, "wait up to this long for the client app to answer (after a restart), e.g. 60s")
	cmd.Flags().BoolVar(&o.RequireClient, "require-client", false, "fail when the client app does not answer (default: a warning)")
	cmd.Flags().StringVarP(&o.Format, "format", "o", "text", "output format: text or json")
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func checkRun(o *checkOptions) error {
	res, err := operation.RunCheck(o.ctx, o.io.ops(), &o.CheckOptions)
	if err != nil {
		return err
	}
	if o.Format == "json" {
		err = render.CheckJSON(o.io.Out, *res)
	} else {
		err = render.CheckText(o.io.Out, *res, o.io.colorEnabled())
	}
	if err != nil {
		return err
	}
	if res.Failed() {
		return &silentError{errors.New("check failed")}
	}
	return nil
}
