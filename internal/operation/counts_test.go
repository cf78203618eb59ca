package operation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCountingTransportCountsWritesAndRetriesPerChange(t *testing.T) {
	t.Parallel()
	ok := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return httptest.NewRecorder().Result(), nil
	})
	counts := &WriteCounts{}
	group := &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create}
	app := &plan.Change{Kind: plan.KindApplication, Key: "a", Action: plan.Update}
	tr := countingTransport{next: ok}
	send := func(c *plan.Change, method string, times int) {
		ctx := context.WithValue(context.Background(), countKey{}, counts.counter(c))
		req, err := http.NewRequestWithContext(ctx, method, "http://x/api/v3/", nil)
		require.NoError(t, err)
		for i := 0; i < times; i++ { // the retry layer sends the same request again
			_, err := tr.RoundTrip(req)
			require.NoError(t, err)
		}
	}
	send(group, http.MethodPost, 1)
	send(group, http.MethodGet, 3) // a read, retried twice
	send(app, http.MethodPatch, 1)
	send(app, http.MethodDelete, 1)
	// A request outside any change is not counted.
	req, _ := http.NewRequest(http.MethodPost, "http://x/", nil)
	_, err := tr.RoundTrip(req)
	require.NoError(t, err)

	gw, gr := counts.Get(group)
	aw, ar := counts.Get(app)
	assert.Equal(t, 1, gw)
	assert.Equal(t, 2, gr)
	assert.Equal(t, 2, aw)
	assert.Equal(t, 0, ar)
}
