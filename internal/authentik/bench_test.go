package authentik_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
)

// BenchmarkSnapshot reads every kind a full manifest needs from an
// authentik holding n applications (each with a provider) and n groups,
// with 20ms injected per request. It reports requests per snapshot and
// sequential round trips: the wall time the latency added, divided by the
// latency (the emulator's own CPU time, measured without latency, is taken
// out). Parallel lists and pages keep round trips near 2 however large
// authentik is: the first page of every list, then all other pages.
//
//	go test ./internal/authentik -run '^$' -bench Snapshot
func BenchmarkSnapshot(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, n := range []int{10, 250} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			srv, emu := emulatortest.NewServerUnchecked(b, emulator.Options{})
			emu.SeedSynthetic(n)
			c := newClientB(b, srv.URL, emu.Token())
			snapshot := func(times int) time.Duration {
				start := time.Now()
				for i := 0; i < times; i++ {
					if _, err := c.Snapshot(context.Background(), allKinds); err != nil {
						b.Fatal(err)
					}
				}
				return time.Since(start) / time.Duration(times)
			}
			base := snapshot(3) // emulator CPU time, no latency
			emu.SetLatency(latency)
			emu.ResetLog()
			b.ResetTimer()
			wall := snapshot(b.N)
			b.ReportMetric(float64(len(emu.Requests()))/float64(b.N), "requests/op")
			b.ReportMetric(float64(wall-base)/float64(latency), "roundtrips/op")
		})
	}
}

// BenchmarkSnapshotManyKinds reads what a manifest declaring 30 kinds and
// types needs (the 8 hand-written kinds, 4 provider types, flows with their
// bindings, prompts and every stage type): still one parallel round.
func BenchmarkSnapshotManyKinds(b *testing.B) {
	const latency = 20 * time.Millisecond
	reads := allKinds.Add(plan.Reads{Kinds: []plan.Kind{plan.KindSAMLMapping, "flow", "flow stage binding", "prompt", "stage"},
		ProviderTypes: []string{"oauth2", "proxy", "saml", "ldap"}})
	for _, k := range desc.InSection("stages") {
		reads = reads.Add(plan.Reads{Types: []string{plan.TypeRead(k)}})
	}
	srv, emu := emulatortest.NewServerUnchecked(b, emulator.Options{})
	emu.SeedSynthetic(10)
	c := newClientB(b, srv.URL, emu.Token())
	snapshot := func(times int) time.Duration {
		start := time.Now()
		for i := 0; i < times; i++ {
			if _, err := c.Snapshot(context.Background(), reads); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / time.Duration(times)
	}
	base := snapshot(3)
	emu.SetLatency(latency)
	emu.ResetLog()
	b.ResetTimer()
	wall := snapshot(b.N)
	b.ReportMetric(float64(len(reads.Kinds)+len(reads.ProviderTypes)+len(reads.Types)), "kinds")
	b.ReportMetric(float64(len(emu.Requests()))/float64(b.N), "requests/op")
	b.ReportMetric(float64(wall-base)/float64(latency), "roundtrips/op")
}
