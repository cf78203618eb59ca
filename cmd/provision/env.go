package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

type envOptions struct {
	io   IOStreams
	conn connFlags
	Path string
	App  string
	Out  string
}

func newEnvCmd(streams IOStreams) *cobra.Command {
	o := &envOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "env -f PATH --app SLUG [--out FILE]",
		Short: "Print (or write) an application's LibreChat .env settings from authentik",
		Long: `env reads authentik and prints the application's LibreChat settings
(OPENID_*, ALLOW_SOCIAL_LOGIN, DOMAIN_*), unquoted as LibreChat needs them.
It changes nothing in authentik. With --out it updates only those keys in the
file, keeping every other line, and keeps its OPENID_SESSION_SECRET.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.Out, "out", "", "update this .env file instead of printing")
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *envOptions) run(ctx context.Context) error {
	st, err := loadApp(ctx, o.io, &o.conn, o.Path, o.App, plan.Reads{Kinds: []plan.Kind{plan.KindApplication, plan.KindProvider, plan.KindScopeMapping}, ProviderTypes: []string{"oauth2"}})
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	keepFrom := o.Out
	if keepFrom == "" {
		keepFrom = outputs.EnvFile(a)
	}
	vars, err := envVars(o.io.Random, c, a, live, keepFrom)
	if err != nil {
		return err
	}
	if o.Out == "" {
		for _, v := range vars {
			fmt.Fprintf(o.io.Out, "%s=%s\n", v.Key, v.Value)
		}
		return nil
	}
	changed, err := dotenv.UpdateFile(o.Out, vars)
	if err != nil {
		return fmt.Errorf("write %s: %w", o.Out, err)
	}
	if changed {
		fmt.Fprintf(o.io.Out, "%s: updated %d settings\n", o.Out, len(vars))
	} else {
		fmt.Fprintf(o.io.Out, "%s: unchanged\n", o.Out)
	}
	return nil
}
