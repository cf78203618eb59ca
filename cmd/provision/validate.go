package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
)

type validateOptions struct {
	io        IOStreams
	Path      string
	OutputDir string
}

func newValidateCmd(streams IOStreams) *cobra.Command {
	o := &validateOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "validate -f PATH",
		Short: "Check a manifest offline, reporting every problem with its file:line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := loadManifestIn(o.Path, o.io, o.OutputDir)
			if err != nil {
				return err
			}
			counts := []string{count(len(m.EntriesOf(string(plan.KindGroup))), "group"), count(len(m.Providers), "provider"),
				count(len(m.Applications), "application"), count(len(m.Outposts), "outpost")}
			for _, k := range kinds.Names() {
				if n := len(m.EntriesOf(k)); n > 0 && k != string(plan.KindGroup) {
					counts = append(counts, count(n, k))
				}
			}
			fmt.Fprintf(o.io.Out, "%s is valid: %s.\n", o.Path, strings.Join(counts, ", "))
			openAppNotes(o.io, m, nil)
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	outputDirFlag(cmd, &o.OutputDir)
	return cmd
}

// count is "1 group", "2 groups".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
