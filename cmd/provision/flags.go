package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/provision/provision/internal/plan"
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

// scopeFlags are --no-prune and --target (plan and apply): what a plan
// may touch (plan.Options).
type scopeFlags struct {
	noPrune bool
	targets []string
}

func (s *scopeFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&s.noPrune, "no-prune", false, "keep the objects the stack owns that the manifest no longer declares (listed, left in authentik and in the record)")
	cmd.Flags().StringArrayVar(&s.targets, "target", nil, "limit the plan to this object, KIND/KEY (e.g. group/Chat Users), and what it references; repeatable")
}

// options are the plan options the flags ask for.
func (s *scopeFlags) options() (plan.Options, error) {
	o := plan.Options{NoPrune: s.noPrune}
	for _, t := range s.targets {
		pt, err := plan.ParseTarget(t)
		if err != nil {
			return plan.Options{}, &usageError{err}
		}
		o.Targets = append(o.Targets, pt)
	}
	return o, nil
}
