package authentik_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// BenchmarkSnapshotStack reads what a plan of one OAuth2 application with
// access needs, without and with a stack, against an authentik holding 50
// applications with 20ms per request. A stack adds two requests (the
// records, the outposts) and no round trip: they are read in the same
// parallel round as the rest.
//
//	go test ./internal/authentik -run '^$' -bench SnapshotStack
func BenchmarkSnapshotStack(b *testing.B) {
	const latency = 20 * time.Millisecond
	body := "version: 1\n%sgroups:\n  - name: users\nproviders:\n  - {name: chat, type: oauth2}\napplications:\n  - {name: Chat, slug: chat, provider: chat, access: {groups: [users]}}\n"
	for _, tc := range []struct{ name, stack string }{{"no-stack", ""}, {"stack", "stack: team\n"}} {
		b.Run(tc.name, func(b *testing.B) {
			m, ds := manifest.Parse("m.yaml", []byte(fmt.Sprintf(body, tc.stack)), func(string) (string, bool) { return "", false })
			if len(ds) > 0 {
				b.Fatal(ds)
			}
			reads := plan.ReadsFor(m)
			srv, emu := emulatortest.NewServerUnchecked(b, emulator.Options{})
			emu.SeedSynthetic(50)
			c := newClientB(b, srv.URL, emu.Token())
			snapshot := func(times int) time.Duration {
				start := time.Now()
				for range times {
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
			b.ReportMetric(float64(len(emu.Requests()))/float64(b.N), "requests/op")
			b.ReportMetric(float64(wall-base)/float64(latency), "roundtrips/op")
		})
	}
}
