package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

// clientCheckFlags are check's flags for the client-side half: probing the
// running client app at its public URL, without credentials.
type clientCheckFlags struct {
	URL     string
	Wait    time.Duration
	Require bool
	Output  string
}

func (f *clientCheckFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.URL, "client-url", "", "probe the client app at this URL instead of the output's url (e.g. from inside its network)")
	cmd.Flags().DurationVar(&f.Wait, "wait", 0, "wait up to this long for the client app to answer (after a restart), e.g. 60s")
	cmd.Flags().BoolVar(&f.Require, "require-client", false, "fail when the client app does not answer (default: a warning)")
	cmd.Flags().StringVarP(&f.Output, "format", "o", "text", "output format: text or json")
}

func (f *clientCheckFlags) validate() error {
	if f.Output != "text" && f.Output != "json" {
		return fmt.Errorf("unknown output format %q: use text or json", f.Output)
	}
	if f.Wait < 0 {
		return fmt.Errorf("--wait must not be negative")
	}
	return nil
}

// clientTargets says what each client output should look like from
// outside, computed from authentik's live state (URLs on authentik's
// public URL). fileEnv holds each output's file as read from disk, by
// output name (absent when there is none); rewrite gives the command that
// rewrites an output's file, for the probes' hints. An output whose preset has no
// probe registered in internal/check gets a bare target, for which
// check.Client reports an informational item rather than nothing.
func (f *clientCheckFlags) clientTargets(public string, rs []*outputs.Resolved, live *plan.Live, fileEnv map[string]map[string]string, rewrite func(*outputs.Resolved) string) ([]check.ClientTarget, []check.Item) {
	var targets []check.ClientTarget
	var skipped []check.Item
	for _, r := range rs {
		if !slices.Contains(check.ClientPresets(), r.Preset.Name()) {
			targets = append(targets, check.ClientTarget{Preset: r.Preset.Name(), URL: r.Out.URL})
			continue
		}
		vars, err := expected(r, public, live)
		if err != nil {
			skipped = append(skipped, check.Item{Name: r.Preset.Label() + ": probes", Status: check.Info, Detail: fmt.Sprintf("skipped: %v", err)})
			continue
		}
		v, _ := outputs.LiveValues(public, r.App, live)
		t := check.ClientTarget{
			Preset: r.Preset.Name(), URL: r.Out.URL, Scopes: v.Scopes,
			AuthorizeURL: v.AuthorizeURL(), RedirectURI: r.Preset.RedirectURI(r.Out),
			Rewrite: rewrite(r),
		}
		for _, x := range vars {
			switch x.From {
			case "provider.client_id":
				t.ClientID = x.Value
				t.FileClientID = fileEnv[r.Name][x.Key]
			case "button_label", "provider_name":
				t.ButtonLabel = x.Value
			case "image_url":
				t.ImageURL = x.Value
			}
		}
		t.Settings = varsByKey(vars)
		targets = append(targets, t)
	}
	if f.URL != "" {
		for i := range targets {
			targets[i].URL = f.URL
		}
	}
	return targets, skipped
}

// clientItems probes every target; --wait waits on clk (nil: the system's).
func (f *clientCheckFlags) clientItems(ctx context.Context, targets []check.ClientTarget, clk clock.Clock) []check.Item {
	var items []check.Item
	for _, t := range targets {
		items = append(items, check.Client(ctx, check.ClientOptions{Wait: f.Wait, RequireClient: f.Require, Clock: clk}, t)...)
	}
	return items
}

// report writes both halves of the check, as text or JSON.
func (f *clientCheckFlags) report(w io.Writer, color bool, slug, header string, authentikItems, clientItems []check.Item, targets []check.ClientTarget) error {
	if f.Output == "json" {
		sides := []render.ChecklistSide{{Side: "authentik", Items: authentikItems}}
		if clientItems != nil || targets != nil {
			sides = append(sides, render.ChecklistSide{Side: "client", Items: clientItems})
		}
		return render.ChecklistJSON(w, slug, sides)
	}
	fmt.Fprintln(w, header)
	if err := render.Checklist(w, authentikItems, color); err != nil {
		return err
	}
	if clientItems == nil && targets == nil {
		return nil // no client side to probe (SAML, LDAP: configured by hand)
	}
	var where []string
	for _, t := range targets {
		where = append(where, " at "+t.URL)
	}
	fmt.Fprintf(w, "The client app%s (public endpoints, no credentials):\n", strings.Join(where, ","))
	return render.Checklist(w, clientItems, color)
}
