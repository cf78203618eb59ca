package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// skipCampaign skips a fault or crash campaign under -short: go test
// -short ./... is the inner loop, and CI (.ci/run) runs the campaigns.
func skipCampaign(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("a fault or crash campaign: it runs without -short (.ci/run)")
	}
}

// skipLong skips, under -short, a test whose work grows with every kind
// (what: what it runs): it keeps running in CI (.ci/run), without -short.
func skipLong(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip(what + ": it runs without -short (.ci/run)")
	}
}

// campaignSeeds is how many fault sequences a manifest is applied under:
// def by default (CI), PROVISION_CAMPAIGN_SEEDS for a longer campaign.
func campaignSeeds(t *testing.T, def int) int {
	if s := os.Getenv("PROVISION_CAMPAIGN_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "PROVISION_CAMPAIGN_SEEDS")
		return n
	}
	return def
}

// manyAppsManifest declares n groups, OAuth2 providers and applications,
// application i open to group i; groups carry a declared attribute.
func manyAppsManifest(t *testing.T, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\ngroups:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: team%02d, attributes: {tier: t%d}}\n", i, i%3)
	}
	b.WriteString("providers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: p%02d, type: oauth2, sub_mode: user_email, redirect_uris: [{url: 'https://app%02d.example.com/cb'}]}\n", i, i)
	}
	b.WriteString("applications:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: App %02d, slug: app%02d, provider: p%02d, access: {groups: [team%02d]}}\n", i, i, i, i)
	}
	return writeManifest(t, b.String())
}

// exemptAPI is the generated client with faults switched off, to inspect
// the state as a pipeline would with X-Provision-No-Fault.
func exemptAPI(url, token string) *api.APIClient {
	c := apiFor(url, token)
	c.GetConfig().AddDefaultHeader(emulator.NoFaultHeader, "1")
	return c
}

// logRetries sums the apply summaries' retry lines and logs the totals.
func logRetries(t *testing.T, retries []string) {
	t.Helper()
	var total [4]int
	for _, l := range retries {
		m := retryNumbers.FindStringSubmatch(l)
		require.NotNil(t, m, l)
		for i := range total {
			n, _ := strconv.Atoi(m[i+1])
			total[i] += n
		}
	}
	t.Logf("retries over all runs: %d reads and %d writes sent again, %d writes re-read by key, %d of them found done", total[0], total[1], total[2], total[3])
}

// fingerprint is the state the manifests manage, without pks and generated
// secrets: one sorted line per object, so duplicates show.
func fingerprint(t *testing.T, c *api.APIClient) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	groups, _, err := c.CoreApi.CoreGroupsList(ctx).IncludeUsers(true).PageSize(1000).Execute()
	require.NoError(t, err)
	groupName := map[string]string{}
	for _, g := range groups.Results {
		groupName[g.Pk] = g.Name
		out = append(out, fmt.Sprintf("group %s superuser=%v attributes=%v users=%v", g.Name, deref(g.IsSuperuser), g.Attributes, g.Users))
	}
	providers, _, err := c.ProvidersApi.ProvidersOauth2List(ctx).PageSize(1000).Execute()
	require.NoError(t, err)
	providerName := map[int32]string{}
	for _, p := range providers.Results {
		providerName[p.Pk] = p.Name
		out = append(out, fmt.Sprintf("oauth2 %s sub=%v type=%v redirects=%v mappings=%d flow=%s", p.Name, deref(p.SubMode), deref(p.ClientType), p.RedirectUris, len(p.PropertyMappings), p.AuthorizationFlow))
	}
	apps, _, err := c.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).PageSize(1000).Execute()
	require.NoError(t, err)
	appSlug := map[string]string{}
	for _, a := range apps.Results {
		appSlug[a.Pk] = a.Slug
		prov := ""
		if p := a.Provider.Get(); p != nil {
			prov = providerName[*p]
		}
		out = append(out, fmt.Sprintf("application %s name=%s provider=%s launch=%s publisher=%s", a.Slug, a.Name, prov, deref(a.MetaLaunchUrl), deref(a.MetaPublisher)))
	}
	bindings, _, err := c.PoliciesApi.PoliciesBindingsList(ctx).PageSize(1000).Execute()
	require.NoError(t, err)
	for _, b := range bindings.Results {
		g := ""
		if v := b.Group.Get(); v != nil {
			g = groupName[*v]
		}
		out = append(out, fmt.Sprintf("binding %s group=%s order=%d enabled=%v", appSlug[b.Target], g, b.Order, deref(b.Enabled)))
	}
	sort.Strings(out)
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// adminEdits plays an admin before the first apply: a member in a group the
// manifest declares, an attribute it does not declare, and an application
// field it does not declare.
func adminEdits(t *testing.T, emu *emulator.Emulator, c *api.APIClient, group, app string) {
	t.Helper()
	ctx := context.Background()
	req := api.NewGroupRequest(group)
	req.Users = []int32{emu.AddUser("alice")}
	req.Attributes = map[string]any{"admin_note": "keep me"}
	_, _, err := c.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*req).Execute()
	require.NoError(t, err)
	if app != "" {
		pub := "Set by hand"
		_, _, err = c.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(api.ApplicationRequest{Name: "Hand made", Slug: app, MetaPublisher: &pub}).Execute()
		require.NoError(t, err)
	}
}

// TestFaultCampaignConverges applies each manifest under 20% faults (5xx,
// resets before and after processing) for many seeds: every seed must reach
// exit 0 within 5 runs, with the state of a fault-free apply, no duplicate
// and the admin's edits kept.
func TestFaultCampaignConverges(t *testing.T) {
	t.Parallel()
	skipCampaign(t)
	type campaign struct {
		name     string
		manifest func(t *testing.T) string
		group    string // declared group the admin edits first
		app      string // declared application the admin made first
		counts   map[string]int
		seeds    int    // in CI; 20 apps x 20 seeds takes ~50s with -race
		stack    string // the manifest names it: its record and lock are checked too
	}
	for _, cp := range []campaign{
		{name: "librechat", manifest: func(t *testing.T) string { return copyManifest(t, seedManifest) },
			group: "LibreChat Users", app: "",
			counts: map[string]int{"application": 1, "provider": 1, "binding": 1}, seeds: 20},
		{name: "20 apps", manifest: func(t *testing.T) string { return manyAppsManifest(t, 20) },
			group: "team00", app: "app00",
			counts: map[string]int{"application": 20, "provider": 20, "binding": 20}, seeds: 4},
		{name: "librechat stack", manifest: func(t *testing.T) string { return withStack(t, seedManifest, "librechat") },
			group: "LibreChat Users", app: "", stack: "librechat",
			counts: map[string]int{"application": 1, "provider": 1, "binding": 1}, seeds: 20},
		{name: "20 apps stack", manifest: func(t *testing.T) string { return withStack(t, manyAppsManifest(t, 20), "many") },
			group: "team00", app: "app00", stack: "many",
			counts: map[string]int{"application": 20, "provider": 20, "binding": 20}, seeds: 3},
	} {
		t.Run(cp.name, func(t *testing.T) {
			path := cp.manifest(t)
			// The reference: the same edits and manifest without faults.
			srv, emu := emulatortest.NewServer(t, emulator.Options{})
			adminEdits(t, emu, exemptAPI(srv.URL, emu.Token()), cp.group, cp.app)
			ref := newCLIFor(t, srv.URL, emu)
			require.Equal(t, exitOK, ref.run("apply", "-f", path, "--auto-approve").code)
			want := fingerprint(t, exemptAPI(srv.URL, emu.Token()))
			wantRecord, _, _ := stackState(t, exemptAPI(srv.URL, emu.Token()))
			if cp.stack != "" {
				require.NotEmpty(t, wantRecord)
			}
			groupsBefore := emu.Counts()["group"]

			var runs []int
			var retries []string
			for seed := int64(1); seed <= int64(campaignSeeds(t, cp.seeds)); seed++ {
				srv, emu, chaos := emulatortest.NewChaosServer(t, emulator.Options{}, emulator.ChaosOptions{Rate: 0.2, Seed: seed})
				fresh := emu.Counts() // authentik's own objects (13 seeded bindings)
				exempt := exemptAPI(srv.URL, emu.Token())
				adminEdits(t, emu, exempt, cp.group, cp.app)
				c := newCLIFor(t, srv.URL, emu)
				n := 0
				for n < 5 {
					n++
					r := c.run("apply", "-f", path, "--auto-approve")
					if line := retryLine(r.out); line != "" {
						retries = append(retries, line)
					}
					if r.code == exitOK {
						break
					}
					require.Equal(t, exitError, r.code, r.err)
					if testing.Verbose() {
						t.Logf("seed %d run %d failed: %s", seed, n, lastLine(r.err))
					}
					if n == 5 {
						t.Fatalf("seed %d: not converged after 5 runs; last error:\n%s", seed, r.err)
					}
				}
				runs = append(runs, n)
				assert.Equal(t, want, fingerprint(t, exempt), "seed %d: the state of a fault-free apply", seed)
				for kind, count := range cp.counts {
					assert.Equal(t, count, emu.Counts()[kind]-fresh[kind], "seed %d: exactly %d %s", seed, count, kind)
				}
				assert.Equal(t, groupsBefore, emu.Counts()["group"], "seed %d: no duplicate group", seed)
				records, instances, locks := stackState(t, exempt)
				assert.Equal(t, wantRecord, records, "seed %d: the record of a fault-free apply", seed)
				if cp.stack != "" {
					assert.Equal(t, map[string]int{cp.stack: 1}, instances, "seed %d: one record instance", seed)
				}
				assert.Empty(t, locks, "seed %d: no lock left behind", seed)
				chaos.SetRate(0)
				assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code, "seed %d: a fresh plan is empty", seed)
				if cp.name == "librechat" {
					env, err := os.ReadFile(filepath.Join(filepath.Dir(path), "librechat.env"))
					require.NoError(t, err)
					vals, err := dotenv.Parse(env)
					require.NoError(t, err)
					provs, _, err := exempt.ProvidersApi.ProvidersOauth2List(context.Background()).Name("LibreChat").Execute()
					require.NoError(t, err)
					require.Len(t, provs.Results, 1)
					assert.Equal(t, deref(provs.Results[0].ClientId), vals["OPENID_CLIENT_ID"], "seed %d: the .env names the live client", seed)
				}
				counts := chaos.Counts()
				t.Logf("seed %2d: converged in %d run(s); faults injected: %d 5xx-before, %d reset-before, %d reset-after, %d 502-after",
					seed, n, counts[emulator.ChaosStatusBefore], counts[emulator.ChaosResetBefore], counts[emulator.ChaosResetAfter], counts[emulator.ChaosStatusAfter])
			}
			t.Logf("runs to converge per seed: %v", runs)
			logRetries(t, retries)
			require.NotEmpty(t, retries, "faults at 20%% must cause retries")
		})
	}
}

// retryLine is the apply summary's retry line, if any.
func retryLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Retries: ") {
			return l
		}
	}
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

var retryNumbers = regexp.MustCompile(`Retries: (\d+) reads and (\d+) writes sent again; (\d+) writes with an unknown outcome re-read by key \((\d+) found already done\)`)
