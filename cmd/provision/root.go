package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=..."; see
// buildVersion for what is printed without it.
var version = "dev"

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, streams IOStreams) int {
	streams, flush := redacted(streams)
	defer flush()
	root := newRootCmd(streams)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	err := root.ExecuteContext(ctx)
	return exitCode(manifestHint(err, args), streams.ErrOut)
}

func newRootCmd(streams IOStreams) *cobra.Command {
	streams.noColor = new(bool)
	streams.debug = new(bool)
	root := &cobra.Command{
		Use:   "provision",
		Short: "Make an authentik identity provider declarative",
		Long: `provision reads a YAML manifest of applications, providers, outposts and
groups, shows what would change in authentik (plan) and makes it so (apply).
It also writes the client application's settings, such as its .env file.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVar(streams.noColor, "no-color", false, "no ANSI colour in output (also: NO_COLOR set, TERM=dumb)")
	root.PersistentFlags().BoolVar(streams.debug, "debug", false, "log each request to authentik on stderr: method, path, status, time, retries; never bodies or the token (also: PROVISION_DEBUG=1)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{Err: fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	for _, sub := range []*cobra.Command{
		newValidateCmd(streams),
		newPlanCmd(streams, nil),
		newApplyCmd(streams, nil),
		newEnvCmd(streams, nil),
		newShowCmd(streams, nil),
		newCheckCmd(streams, nil),
		newDemoCmd(streams),
		newSandboxCmd(streams),
		newSchemaCmd(streams),
		newStateCmd(streams),
		newExportCmd(streams, nil),
	} {
		root.AddCommand(sub)
	}
	decorateHelp(root, streams)
	return root
}
