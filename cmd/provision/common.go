package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

// connFlags say how to reach authentik: flags first, then the environment.
type connFlags struct {
	URL       string
	TokenFile string
	tlsWait   // --ca-file, --timeout, --wait (conn.go)
	// countRequests counts each change's requests (apply -o json).
	countRequests bool
}

func (f *connFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.URL, "url", "", "authentik URL (default $AUTHENTIK_URL)")
	cmd.Flags().StringVar(&f.TokenFile, "token-file", "", "file holding the API token (default: $AUTHENTIK_TOKEN)")
	f.tlsWait.register(cmd)
}

// client builds the API client. The token is read from --token-file or
// AUTHENTIK_TOKEN; it is never a flag value, so it stays out of shell
// history and process lists.
func (f *connFlags) client(streams IOStreams) (*authentik.Client, error) {
	url := f.URL
	if url == "" {
		url = streams.Getenv("AUTHENTIK_URL")
	}
	streams.secretURL(url)
	if authentik.PlainHTTPRemote(url) {
		fmt.Fprintln(streams.ErrOut, "Warning: AUTHENTIK_URL is plain http to a host other than this machine: the API token crosses the network unencrypted; use https.")
	}
	token := streams.Getenv("AUTHENTIK_TOKEN")
	streams.secret(token)
	if f.TokenFile != "" {
		b, err := os.ReadFile(f.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("read token file: %w", err)
		}
		token = strings.TrimSpace(string(b))
		streams.secret(token)
		if token == "" {
			return nil, fmt.Errorf("token file %s is empty", f.TokenFile)
		}
	}
	cfg := authentik.Config{URL: url, Token: token, UserAgent: "provision/" + buildVersion(), OnSecret: streams.secret,
		RetryBackoff: streams.deps.retryBackoff, Clock: streams.deps.clock}
	if err := f.tlsWait.configure(&cfg, streams); err != nil {
		return nil, err
	}
	if streams.deps.httpClient != nil {
		hc, err := streams.deps.httpClient(cfg)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = hc
	}
	cfg.HTTPClient = f.httpClient(cfg)
	cfg.HTTPClient = debugClient(cfg, streams)
	c, err := authentik.New(cfg)
	if err != nil {
		return nil, err
	}
	return c, f.tlsWait.wait(c, streams)
}

// manifestFlag is -f/--file, required by every command that reads a manifest.
func manifestFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVarP(path, "file", "f", "", "manifest file or directory of *.yaml/*.yml files (required)")
	_ = cmd.MarkFlagRequired("file")
}

// loadManifest loads, then validates a manifest; all problems come back
// in one error, one per line with file:line:column.
func loadManifest(path string, streams IOStreams) (*manifest.Manifest, error) {
	return loadManifestIn(path, streams, "")
}

// loadManifestIn is loadManifest with outputs confined to outputDir (when
// not empty). Redirect URIs a provider does not declare are derived from
// its application's outputs first.
// Load problems (an unknown field) do not hide validation's: every
// problem is reported at once.
func loadManifestIn(path string, streams IOStreams, outputDir string) (*manifest.Manifest, error) {
	return loadManifestEnv(path, streams, outputDir, manifest.LookupEnv(streams.LookupEnv))
}

// loadManifestEnv is loadManifestIn with ${NAME}s read through env
// (manifest.Offline for validate --offline).
func loadManifestEnv(path string, streams IOStreams, outputDir string, env manifest.LookupEnv) (*manifest.Manifest, error) {
	return manifest.LoadAndCheck(path, env, func(m *manifest.Manifest) error {
		streams.secret(m.SensitiveValues()...)
		outputs.DeriveRedirects(m)
		return m.Validate(outputs.Validator(outputOptions(m, streams, outputDir, "")))
	})
}

// state is everything plan and apply need: the manifest, the client, the
// live snapshot and the computed plan.
type state struct {
	manifest *manifest.Manifest
	client   *authentik.Client
	live     *plan.Live
	plan     *plan.Plan
	// opts limit the plan (--no-prune, --target); every recompute keeps them.
	opts plan.Options
}

// computePlan reads live state and computes the plan (limited by opts,
// at most one).
func computePlan(ctx context.Context, m *manifest.Manifest, c *authentik.Client, opts ...plan.Options) (*state, error) {
	var o plan.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	reads := plan.ReadsFor(m)
	if len(openApps(m)) > 0 {
		// Whether a binding made in authentik restricts an application
		// the manifest leaves open (openAppNotes): same wave of lists.
		reads = reads.Add(plan.Reads{Kinds: []plan.Kind{plan.KindBinding}})
	}
	live, err := c.Snapshot(ctx, reads)
	if err != nil {
		return nil, err
	}
	live = plan.Moved(m, live) // renamed in place: outputs read the new keys
	p, err := plan.ComputeWith(m, live, o)
	if err != nil {
		return nil, err
	}
	if where := c.TokenFields(p); len(where) > 0 {
		return nil, fmt.Errorf("the plan would write the authentik API token into %s: a variable holds the token; never pass it to a manifest", strings.Join(where, ", "))
	}
	return &state{manifest: m, client: c, live: live, plan: p, opts: o}, nil
}

// appState is one application, and live state.
type appState struct {
	manifest *manifest.Manifest
	app      *manifest.Application
	client   *authentik.Client
	live     *plan.Live
}

// appReads is what a command about one application needs read.
type appReads func(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error)

// loadApp loads the manifest, finds the application by slug and reads the
// live kinds its command needs.
func loadApp(ctx context.Context, streams IOStreams, conn *connFlags, path, slug string, needs appReads) (*appState, error) {
	return loadAppIn(ctx, streams, conn, path, "", slug, needs)
}

// loadAppIn is loadApp with outputs confined to outputDir (when not empty).
func loadAppIn(ctx context.Context, streams IOStreams, conn *connFlags, path, outputDir, slug string, needs appReads) (*appState, error) {
	m, err := loadManifestIn(path, streams, outputDir)
	if err != nil {
		return nil, err
	}
	a, err := findApp(m, slug)
	if err != nil {
		return nil, err
	}
	reads, err := needs(m, a)
	if err != nil {
		return nil, err
	}
	c, err := conn.client(streams)
	if err != nil {
		return nil, err
	}
	live, err := c.Snapshot(ctx, reads)
	if err != nil {
		return nil, err
	}
	return &appState{manifest: m, app: a, client: c, live: live}, nil
}

// outputReads is what an application's outputs need: the application, its
// OAuth2 provider and the scope mappings (checks need more, see check.go).
func outputReads(extra ...plan.Kind) appReads {
	return func(_ *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
		if err := requireOutputs(a); err != nil {
			return plan.Reads{}, err
		}
		kinds := append([]plan.Kind{plan.KindApplication, plan.KindProvider, plan.KindScopeMapping}, extra...)
		return plan.Reads{Kinds: kinds, ProviderTypes: []string{manifest.TypeOAuth2}}, nil
	}
}

// providerReads is what describing an application's provider needs: the
// application and its provider with its type's own fields.
func providerReads(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
	if a.Provider == nil {
		return plan.Reads{}, fmt.Errorf("application %q (%s) declares no provider", a.Slug, a.Src.Pos)
	}
	r := plan.Reads{Kinds: []plan.Kind{plan.KindApplication, plan.KindProvider}}
	for _, p := range m.Providers {
		if p.Name == *a.Provider {
			r.ProviderTypes = []string{p.Type}
			switch p.Type {
			case manifest.TypeOAuth2:
				r.Kinds = append(r.Kinds, plan.KindScopeMapping)
			case manifest.TypeLDAP:
				r.Kinds = append(r.Kinds, plan.KindOutpost)
			}
		}
	}
	// RADIUS and RAC providers (the engine's) are described by the
	// outposts serving them.
	for _, e := range m.EntriesOf(string(plan.KindEngineProvider)) {
		if e.Key == *a.Provider {
			r.Kinds = append(r.Kinds, plan.KindOutpost)
		}
	}
	return r, nil
}
