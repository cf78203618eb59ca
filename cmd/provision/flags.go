package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/provision/provision/internal/render"
)

// One meaning per flag name, in every command (issue 32):
//
//	-o, --format FORMAT   how to print (text, json, markdown, yaml)
//	--out FILE            a file to write
//	--output NAME         one output of an application (its name under outputs:)
//
// The spellings these replace keep working for one release, each with a
// warning on stderr naming the new one: --output FORMAT (plan, apply,
// show, check), --output-name NAME (check), -o FILE (export).

// formatFlag registers -o/--format, and --output as its old spelling.
func formatFlag(cmd *cobra.Command, p *string, def, usage string, streams IOStreams) {
	cmd.Flags().StringVarP(p, "format", "o", def, usage)
	oldSpelling(cmd, "output", "-o/--format", p, streams)
}

// oldSpelling registers a hidden flag that sets p as the new flag would,
// warning that it is going away.
func oldSpelling(cmd *cobra.Command, name, now string, p *string, streams IOStreams) {
	f := cmd.Flags().VarPF(&renamedFlag{p: p, warn: func(v string) {
		fmt.Fprintf(streams.ErrOut, "Warning: --%s %s is the old spelling of %s %s, and goes away in the next release.\n", name, v, now, v)
	}}, name, "", "old spelling of "+now)
	f.Hidden = true
}

// renamedFlag is the value of an old spelling: it sets the new flag's
// variable and warns.
type renamedFlag struct {
	p    *string
	warn func(string)
}

func (r *renamedFlag) Set(v string) error {
	*r.p = v
	r.warn(v)
	return nil
}
func (r *renamedFlag) String() string {
	if r.p == nil {
		return ""
	}
	return *r.p
}
func (r *renamedFlag) Type() string { return "string" }

var _ pflag.Value = (*renamedFlag)(nil)

// jsonErrors makes a command that prints JSON with -o json print its
// errors as JSON on stdout too ({"format_version", "error"}); the exit
// code is the error's, and the error is not printed again on stderr.
func jsonErrors(run func(*cobra.Command, []string) error, output *string, streams IOStreams) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err == nil || *output != "json" || errors.Is(err, errChangesPresent) {
			return err
		}
		var silent *silentError
		if errors.As(err, &silent) {
			return err
		}
		if render.JSONError(streams.Out, err) != nil {
			return err
		}
		return &silentError{err}
	}
}

// githubErrors wraps a command's RunE: with -o github, its error is
// written to stdout as GitHub Actions annotations, one per manifest
// problem at its file:line:column (render.GitHub), and not again on stderr.
func githubErrors(run func(*cobra.Command, []string) error, output *string, streams IOStreams) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err == nil || *output != "github" || errors.Is(err, errChangesPresent) {
			return err
		}
		var silent *silentError
		var usage *usageError
		if errors.As(err, &silent) || errors.As(err, &usage) {
			return err
		}
		if render.GitHubError(streams.Out, err) != nil {
			return err
		}
		return &silentError{err}
	}
}
