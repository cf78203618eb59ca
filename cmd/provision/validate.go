package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/plan"
)

type validateOptions struct {
	io        IOStreams
	Path      string
	OutputDir string
	// Offline leaves every ${NAME} a placeholder, type-checked but not
	// substituted, and reads nothing from the environment.
	Offline bool
	// Output is text, or github: each problem a GitHub Actions annotation.
	Output string
}

func newValidateCmd(streams IOStreams) *cobra.Command {
	o := &validateOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "validate -f PATH",
		Short: "Check a manifest offline, reporting every problem with its file:line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Output != "text" && o.Output != "github" {
				return &usageError{Err: fmt.Errorf("unknown output format %q: use text or github", o.Output)}
			}
			m, err := o.load()
			if err != nil {
				return err
			}
			counts := []string{count(len(m.EntriesOf(string(plan.KindGroup))), "group"), count(len(m.Providers)+len(m.EntriesOf(string(plan.KindEngineProvider))), "provider"),
				count(len(m.Applications), "application"), count(len(m.Outposts), "outpost")}
			for _, k := range kinds.Names() {
				n := len(m.EntriesOf(k))
				switch {
				case n > 0 && kinds.Family(k)[0].Singleton:
					counts = append(counts, kinds.NounOf(k))
				case n > 0 && k != string(plan.KindGroup) && k != string(plan.KindEngineProvider):
					counts = append(counts, count(n, k))
				}
			}
			fmt.Fprintf(o.io.Out, "%s is valid: %s.\n", o.Path, strings.Join(counts, ", "))
			notes(o.io, m, nil)
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	outputDirFlag(cmd, &o.OutputDir)
	formatFlag(cmd, &o.Output, "text", "output format: text, or github (each problem a GitHub Actions annotation, ::error file=…,line=…,col=…::…)", streams)
	cmd.RunE = githubErrors(cmd.RunE, &o.Output, streams)
	cmd.Flags().BoolVar(&o.Offline, "offline", false, "check with no variable set: each ${NAME} is type-checked, not substituted, and nothing is read from the environment")
	return cmd
}

// load loads and validates the manifest; offline, through streams that
// read no environment variable and manifest.Offline's placeholders.
func (o *validateOptions) load() (*manifest.Manifest, error) {
	if !o.Offline {
		return operation.LoadManifest(o.io.ops(), o.Path, o.OutputDir, nil)
	}
	d := o.io.ops()
	d.LookupEnv = func(string) (string, bool) { return "", false }
	return operation.LoadManifest(d, o.Path, o.OutputDir, manifest.Offline)
}

// count is "1 group", "2 groups".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
