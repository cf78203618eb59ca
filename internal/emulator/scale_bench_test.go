package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkListPage serves one page of 100 objects of each list provision
// reads from an emulator holding 10,000 objects (SeedScale(2500): 2,500
// applications, OAuth2 providers, groups and bindings). ns/op is the
// emulator's time per page, JSON encoding included; cpu-ms/op is the
// process's CPU time per page (user + system, garbage collection
// included), which a busy machine inflates less. The target is < 5 ms.
//
//	go test ./internal/emulator -run '^$' -bench ListPage
func BenchmarkListPage(b *testing.B) {
	httpapi.VerifyToMap = false // measure toMap, not its test-time check
	defer func() { httpapi.VerifyToMap = true }()
	emu := New(Options{})
	emu.SeedScale(2500)
	for _, path := range []string{
		"core/applications/?superuser_full_list=true&page_size=100&page=13",
		"core/applications/?page_size=100",
		"providers/oauth2/?page_size=100&page=13",
		"providers/all/?page_size=100&page=13",
		"core/groups/?include_users=false&page_size=100&page=13",
		"policies/bindings/?page_size=100&page=13",
		"policies/bindings/?target_in=" + emu.AppPK("app-01000") + "&page_size=100",
		"core/applications/?slug=app-01000",
	} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/v3/"+path, nil)
			req.Header.Set("Authorization", "Bearer "+emu.Token())
			before := cpuTime()
			for i := 0; i < b.N; i++ {
				w := httptest.NewRecorder()
				emu.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(fmt.Sprint(w.Code, w.Body.String()))
				}
			}
			b.ReportMetric(float64(cpuTime()-before)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}
