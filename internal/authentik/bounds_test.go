package authentik_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

// Finding 9 of issue 25: a hostile server. Each answer is a groups list
// that would crash or exhaust the client; each is one sentence of error,
// never a panic, never an unbounded read.
func TestHostileServerIsOneSentence(t *testing.T) {
	flows := plan.Reads{Kinds: []plan.Kind{plan.KindGroup}}
	cases := map[string]struct {
		page func(w http.ResponseWriter, r *http.Request)
		want string
	}{
		"total_pages 1e18 (a panic before)": {
			page: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"pagination":{"total_pages":1e18},"results":[]}`)
			},
			want: "authentik says there are 1000000000000000000 pages, more than the 1000 provision reads",
		},
		"total_pages 3e5 (unbounded goroutines before)": {
			page: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"pagination":{"total_pages":3e5},"results":[]}`)
			},
			want: "authentik says there are 300000 pages",
		},
		"negative or fractional total_pages": {
			page: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"pagination":{"total_pages":-1.5},"results":[]}`)
			},
			want: "authentik's answer is malformed: total_pages is -1.5, not a page count",
		},
		"an endless body": {
			page: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"pagination":{"total_pages":1},"results":[`)
				chunk := []byte(strings.Repeat(`{"name":"x"},`, 1<<14))
				for i := 0; i < (authentik.MaxBody/len(chunk))+2; i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			want: "larger than 32 MB, more than provision reads",
		},
		"not a list": {
			page: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"pagination":{"total_pages":"many"},"results":[]}`)
			},
			want: "authentik's answer is not a list (pagination.total_pages is a JSON string where a number belongs)",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var lists atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/api/v3/core/groups/" {
					lists.Add(1)
					tc.page(w, r)
					return
				}
				http.NotFound(w, r)
			}))
			t.Cleanup(srv.Close)
			_, err := newClient(t, srv.URL, "tok").Snapshot(context.Background(), flows)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n", "one sentence")
			assert.NotContains(t, err.Error(), "float64", "in JSON's terms, not Go's")
			assert.LessOrEqual(t, lists.Load(), int32(4), "no page beyond the first is asked for (the first may be retried)")
		})
	}
}

// Finding 9: the pages of a list are fetched with bounded concurrency.
func TestPagesAreFetchedWithBoundedConcurrency(t *testing.T) {
	var inFlight, most atomic.Int32
	var mu sync.Mutex
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		mu.Lock()
		if n > most.Load() {
			most.Store(n)
		}
		mu.Unlock()
		if r.URL.Query().Get("page") != "1" {
			<-release
		}
		fmt.Fprint(w, `{"pagination":{"total_pages":1000},"results":[]}`)
	}))
	t.Cleanup(srv.Close)
	done := make(chan error, 1)
	go func() {
		_, err := newClient(t, srv.URL, "tok").Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindGroup}})
		done <- err
	}()
	// Let every request that may start, start; then let them all finish.
	require.Eventually(t, func() bool { return inFlight.Load() >= 8 }, 5e9, 1e6)
	close(release)
	require.NoError(t, <-done)
	assert.LessOrEqual(t, most.Load(), int32(8), "pages in flight")
}

// Finding 10 of issue 25: a redirect keeps the token only within the same
// origin (scheme, host and port): not to another port of the same host,
// not from https to http.
func TestRedirectKeepsTheTokenInItsOrigin(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // server -> Authorization received
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[name] = r.Header.Get("Authorization")
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"user":{"username":"admin","is_superuser":true}}`)
		}
	}
	otherPort := httptest.NewServer(record("other port"))
	t.Cleanup(otherPort.Close)
	plain := httptest.NewServer(record("plain http"))
	t.Cleanup(plain.Close)

	for _, tc := range []struct {
		name   string
		to     string
		server func(h http.Handler) *httptest.Server
	}{
		{"other port", otherPort.URL, httptest.NewServer},
		{"plain http", plain.URL, httptest.NewTLSServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := tc.server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.to+r.URL.Path, http.StatusFound)
			}))
			t.Cleanup(from.Close)
			hc := from.Client() // trusts the TLS server's certificate
			c, err := authentik.New(authentik.Config{URL: from.URL, Token: "the-token", HTTPClient: hc})
			require.NoError(t, err)
			_, err = c.Whoami(context.Background())
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			got, ok := seen[tc.name]
			require.True(t, ok, "the redirect was followed")
			assert.Empty(t, got, "the token was sent to %s", tc.to)
		})
	}

	// Within the origin the token is kept.
	var got string
	var same *httptest.Server
	same = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/core/users/me/" {
			http.Redirect(w, r, same.URL+"/moved/", http.StatusFound)
			return
		}
		got = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"user":{"username":"admin","is_superuser":true}}`)
	}))
	t.Cleanup(same.Close)
	_, err := newClient(t, same.URL, "the-token").Whoami(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer the-token", got)
}

func TestPlainHTTPRemote(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://auth.example.com": true, "http://10.0.0.5:9000": true,
		"http://127.0.0.1:9000": false, "http://[::1]:9000": false, "http://localhost:9000": false,
		"https://auth.example.com": false,
	} {
		assert.Equal(t, want, authentik.PlainHTTPRemote(raw), raw)
	}
}
