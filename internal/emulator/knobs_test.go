package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
)

// The latency knob, counted on a fake clock: each request waits the
// latency once, none after SetLatency(0), and a request cancelled while it
// waits stops waiting and is logged as 499.
func TestLatency(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
	waiting := make(chan struct{}, 1)
	clk.OnSleep = func(ctx context.Context, d time.Duration) error {
		if d < time.Second {
			return nil
		}
		waiting <- struct{}{}
		<-ctx.Done() // a long latency lasts until the client gives up
		return ctx.Err()
	}
	srv, emu := newTestServer(t, emulator.Options{Latency: 30 * time.Millisecond, Clock: clk})
	hdr := map[string]string{"Authorization": "Bearer " + emu.Token()}
	rawReq(t, srv, "GET", "/api/v3/admin/version/", "", hdr)
	if got := clk.Sleeps(); !slices.Equal(got, []time.Duration{30 * time.Millisecond}) {
		t.Errorf("waits %v, want one of 30ms", got)
	}
	emu.SetLatency(0)
	rawReq(t, srv, "GET", "/api/v3/admin/version/", "", hdr)
	if got := clk.Sleeps(); len(got) != 1 {
		t.Errorf("latency not cleared: waits %v", got)
	}

	emu.SetLatency(10 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-waiting; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v3/admin/version/", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Errorf("a cancelled request got an answer")
	}
	deadline := time.After(10 * time.Second)
	for {
		reqs := emu.Requests()
		if len(reqs) == 3 {
			if reqs[2].Status != 499 {
				t.Errorf("the cancelled request is logged as %d, want 499", reqs[2].Status)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatalf("the cancelled request was not logged: %+v", reqs)
		case <-time.After(time.Millisecond):
		}
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault emulator.Fault
		want  []int // statuses of 6 GETs of /api/v3/admin/version/
	}{
		{"nth", emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Nth: 2}, []int{200, 503, 200, 200, 200, 200}},
		{"every", emulator.Fault{Kind: emulator.FaultStatus, Status: 502, Every: 2}, []int{200, 502, 200, 502, 200, 502}},
		{"every, times", emulator.Fault{Kind: emulator.FaultStatus, Status: 500, Every: 2, Times: 2}, []int{200, 500, 200, 500, 200, 200}},
		{"always, times", emulator.Fault{Kind: emulator.FaultStatus, Status: 429, Times: 1}, []int{429, 200, 200, 200, 200, 200}},
		{"other method", emulator.Fault{Kind: emulator.FaultStatus, Status: 500, Method: "POST"}, []int{200, 200, 200, 200, 200, 200}},
		{"other prefix", emulator.Fault{Kind: emulator.FaultStatus, Status: 500, PathPrefix: "/api/v3/core/"}, []int{200, 200, 200, 200, 200, 200}},
		{"probability 1", emulator.Fault{Kind: emulator.FaultStatus, Status: 500, Probability: 1, Times: 3}, []int{500, 500, 500, 200, 200, 200}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, emu := newTestServer(t, emulator.Options{})
			emu.InjectFault(tc.fault)
			hdr := map[string]string{"Authorization": "Bearer " + emu.Token()}
			for i, want := range tc.want {
				st, body := rawReq(t, srv, "GET", "/api/v3/admin/version/", "", hdr)
				if st != want {
					t.Errorf("request %d: %d, want %d", i+1, st, want)
				}
				if st != 200 && body != `{"detail":"injected fault"}` {
					t.Errorf("fault body %s", body)
				}
			}
			emu.ClearFaults()
			if st, _ := rawReq(t, srv, "GET", "/api/v3/admin/version/", "", hdr); st != 200 {
				t.Errorf("after ClearFaults: %d", st)
			}
		})
	}
}

func TestFaultStatusDoesNotTouchState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.emu.InjectFault(emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Method: "POST", Times: 1})
	if st, _ := e.raw("POST", "/api/v3/core/applications/", `{"name":"a","slug":"a"}`); st != 503 {
		t.Fatalf("status %d", st)
	}
	if st, _ := e.raw("GET", "/api/v3/core/applications/a/", ""); st != 404 {
		t.Errorf("faulted create was applied")
	}
	if st, _ := e.raw("POST", "/api/v3/core/applications/", `{"name":"a","slug":"a"}`); st != 201 {
		t.Errorf("retry: %d", st)
	}
}

func TestFaultDropAndTruncate(t *testing.T) {
	t.Parallel()
	srv, emu := newTestServer(t, emulator.Options{})
	get := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v3/core/applications/", nil)
		req.Header.Set("Authorization", "Bearer "+emu.Token())
		tr := &http.Transport{DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		return (&http.Client{Transport: tr}).Do(req)
	}
	emu.InjectFault(emulator.Fault{Kind: emulator.FaultDrop, Times: 1})
	if res, err := get(); err == nil {
		res.Body.Close()
		t.Errorf("drop: got a response %d", res.StatusCode)
	}
	emu.ClearFaults()

	emu.InjectFault(emulator.Fault{Kind: emulator.FaultTruncate, Times: 1})
	res, err := get()
	if err != nil {
		t.Fatalf("truncate: %v", err)
	}
	_, err = io.ReadAll(res.Body)
	res.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncate: read error %v, want unexpected EOF", err)
	}
	res, err = get()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(res.Body); err != nil {
		t.Errorf("after truncate: %v", err)
	}
	res.Body.Close()
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var mu sync.Mutex
	var logged []emulator.RequestRecord
	e.emu.SetRequestLogger(func(r emulator.RequestRecord) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, r)
	})
	e.raw("GET", "/api/v3/core/applications/?page_size=5", "")
	e.raw("POST", "/api/v3/core/applications/", `{"name":"a","slug":"a"}`)
	e.raw("PATCH", "/api/v3/core/applications/a/", `{"name":"b"}`)
	e.raw("DELETE", "/api/v3/core/applications/a/", "")
	e.raw("GET", "/api/v3/admin/version/", "")

	reqs := e.emu.Requests()
	if len(reqs) != 5 || reqs[0].Query != "page_size=5" || reqs[1].Status != 201 || reqs[3].Status != 204 || reqs[0].Path != "/api/v3/core/applications/" {
		t.Errorf("log: %+v", reqs)
	}
	counts := []struct {
		method, prefix string
		want           int
	}{
		{"", "/api/v3/core/applications/", 4},
		{"GET", "/api/v3/", 2},
		{"post", "/api/v3/core/", 1},
		{"", "", 5},
	}
	for _, c := range counts {
		if got := e.emu.Count(c.method, c.prefix); got != c.want {
			t.Errorf("Count(%q, %q) = %d, want %d", c.method, c.prefix, got, c.want)
		}
	}
	if w := e.emu.Writes(); w != 3 {
		t.Errorf("Writes = %d", w)
	}
	mu.Lock()
	if len(logged) != 5 {
		t.Errorf("logger saw %d", len(logged))
	}
	mu.Unlock()
	e.emu.ResetLog()
	if len(e.emu.Requests()) != 0 || e.emu.Writes() != 0 {
		t.Errorf("ResetLog")
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slug := "c" + strings.Repeat("x", i)
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v3/core/applications/", strings.NewReader(`{"name":"n","slug":"`+slug+`"}`))
			req.Header.Set("Authorization", "Bearer "+e.emu.Token())
			req.Header.Set("Content-Type", "application/json")
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := e.emu.Counts()["application"]; n != 20 {
		t.Errorf("applications = %d", n)
	}
}

func TestOverrideField(t *testing.T) {
	t.Parallel()
	srv, emu := newUncheckedServer(t, emulator.Options{})
	e := &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
	p := e.oauth2("LibreChat")
	if err := emu.OverrideField("oauth2provider", "LibreChat", "sub_mode", "user_future_mode"); err != nil {
		t.Fatal(err)
	}
	if err := emu.OverrideField("oauth2provider", "LibreChat", "future_field", 1); err != nil {
		t.Fatal(err)
	}
	if err := emu.OverrideField("nonsense", "x", "y", 1); err == nil {
		t.Errorf("unknown kind accepted")
	}
	_, body := e.rawJSON("GET", "/api/v3/providers/oauth2/"+itoa(p.Pk)+"/", "")
	if body["sub_mode"] != "user_future_mode" || body["future_field"] != float64(1) {
		t.Errorf("override not served: %v %v", body["sub_mode"], body["future_field"])
	}
	_, list := e.rawJSON("GET", "/api/v3/providers/oauth2/?name=LibreChat", "")
	if r := list["results"].([]any)[0].(map[string]any); r["sub_mode"] != "user_future_mode" {
		t.Errorf("override not in list")
	}
	other := e.oauth2("other")
	_, body = e.rawJSON("GET", "/api/v3/providers/oauth2/"+itoa(other.Pk)+"/", "")
	if body["sub_mode"] != "hashed_user_id" {
		t.Errorf("override leaked to another provider")
	}
	e.app("skew", 0)
	emu.OverrideField("application", "skew", "policy_engine_mode", "future")
	if _, a := e.rawJSON("GET", "/api/v3/core/applications/skew/", ""); a["policy_engine_mode"] != "future" {
		t.Errorf("application override: %v", a["policy_engine_mode"])
	}
}
