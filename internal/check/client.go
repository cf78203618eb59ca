package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/provision/provision/internal/clock"
)

// ClientTarget is what a client probe compares the running app against:
// plain values, so a preset's probe needs nothing from the manifest model.
type ClientTarget struct {
	// Preset is the output preset ("open-webui", "grafana"...).
	Preset string
	// URL is the app's public URL, probed without credentials.
	URL string
	// ClientID, RedirectURI and Scopes are what authentik expects the app's
	// authorization request to carry.
	ClientID    string
	RedirectURI string
	Scopes      []string
	// AuthorizeURL is authentik's authorization endpoint
	// (<public url>/application/o/authorize/).
	AuthorizeURL string
	// ButtonLabel and ImageURL are the login button the app should show
	// (the output's button_label or provider_name, and image_url). Empty:
	// not compared.
	ButtonLabel string
	ImageURL    string
	// Settings are the output's settings as authentik's state makes them,
	// by key, for what a probe compares beyond the fields above.
	Settings map[string]string
	// FileClientID is the client id the app's settings file holds on disk
	// ("" when unknown). When it is right but the app sends another one,
	// the app was not restarted since the file changed.
	FileClientID string
	// Rewrite is the command that rewrites the settings file from
	// authentik (provision env ... --out FILE); "" names apply alone.
	Rewrite string
}

// ClientProbe probes one kind of client app.
type ClientProbe struct {
	// App names the app in items and messages ("Grafana").
	App string
	// ReadyPath answers once the app is up; --wait polls it.
	ReadyPath string
	// Run probes the app, which answered on ReadyPath.
	Run func(ctx context.Context, p *Prober, t ClientTarget) []Item
}

var clientProbes = map[string]ClientProbe{}

// RegisterClientProbe registers the probe of an output preset. A preset
// file calls it from init.
func RegisterClientProbe(preset string, p ClientProbe) { clientProbes[preset] = p }

// ClientPresets lists the presets that have probes.
func ClientPresets() []string {
	var out []string
	for k := range clientProbes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ClientOptions say how to probe.
type ClientOptions struct {
	// HTTP is the client to use; nil means a default one. Redirects are
	// never followed, whatever it says.
	HTTP *http.Client
	// Wait is how long to wait for the app to answer (after a restart).
	Wait time.Duration
	// Poll is the pause between attempts while waiting (default 1s).
	Poll time.Duration
	// Clock is the time the wait reads and sleeps on; nil is the system's.
	Clock clock.Clock
	// RequireClient makes an app that does not answer a failure.
	RequireClient bool
}

// Prober makes the probes' HTTP requests: GET, no credentials, no cookies,
// redirects not followed.
type Prober struct {
	http *http.Client
	base string
	// App names the app probed ("Grafana").
	App string
}

// Response is what a probe looks at.
type Response struct {
	Status   int
	Location string
	Body     []byte
	Header   http.Header
}

// Get requests path (relative to the app's URL).
func (p *Prober) Get(ctx context.Context, path string) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, text/html;q=0.9")
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: body, Header: resp.Header}, nil
}

// Client probes the app a target describes and returns its items, each
// name prefixed with the app's name. It never fails outright: an app that
// does not answer is one warning (a failure with RequireClient).
func Client(ctx context.Context, opts ClientOptions, t ClientTarget) []Item {
	probe, ok := clientProbes[t.Preset]
	if !ok {
		return []Item{{Name: ItemClientApp, Status: Info, Detail: fmt.Sprintf("no client probes for preset %q (probes exist for %s)", t.Preset, strings.Join(ClientPresets(), ", "))}}
	}
	p := &Prober{http: noRedirects(opts.HTTP), base: strings.TrimSuffix(t.URL, "/"), App: probe.App}
	name := func(s string) string { return probe.App + ": " + s }
	if err := waitReady(ctx, p, probe.ReadyPath, opts); err != nil {
		st := Warn
		if opts.RequireClient {
			st = Fail
		}
		return []Item{{Name: name(ItemAnswers), Status: st, Detail: fmt.Sprintf("%s at %s did not answer: %v; is it running, and reachable from here?", probe.App, t.URL, err)}}
	}
	items := []Item{{Name: name(ItemAnswers), Status: Pass, Detail: t.URL}}
	for _, it := range probe.Run(ctx, p, t) {
		it.Name = name(it.Name)
		items = append(items, it)
	}
	return items
}

func noRedirects(c *http.Client) *http.Client {
	out := &http.Client{Timeout: 10 * time.Second}
	if c != nil {
		cp := *c
		out = &cp
	}
	out.Jar = nil
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return out
}

// waitReady returns nil once the app answers on path with anything but a
// gateway error (a proxy in front of an app still starting), polling until
// opts.Wait is over.
func waitReady(ctx context.Context, p *Prober, path string, opts ClientOptions) error {
	poll := opts.Poll
	if poll <= 0 {
		poll = time.Second
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.System()
	}
	deadline := clk.Now().Add(opts.Wait)
	for {
		resp, err := p.Get(ctx, path)
		if err == nil {
			switch resp.Status {
			case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				err = fmt.Errorf("GET %s answered HTTP %d (a proxy in front of an app that is down or still starting)", path, resp.Status)
			default:
				return nil
			}
		}
		if clk.Now().Add(poll).After(deadline) {
			if opts.Wait > 0 {
				return fmt.Errorf("%s (waited %s)", shortErr(err), opts.Wait)
			}
			return errors.New(shortErr(err))
		}
		if err := clk.Sleep(ctx, poll); err != nil {
			return err
		}
	}
}

// shortErr drops the "Get \"url\": " prefix net/http puts on errors: the
// message already names the URL.
func shortErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// redirectCauses name the likely cause of each mismatch of a login
// redirect, in the app's own terms.
type redirectCauses struct {
	elsewhere, clientID, redirectURI, scope string
}

// checkAuthorizeRedirect checks a login redirect against the target: where
// it goes and the client_id, redirect_uri and scope it carries.
func checkAuthorizeRedirect(app, loc string, t ClientTarget, c redirectCauses) (items []Item, q url.Values) {
	add := adderFor(&items)
	u, err := url.Parse(loc)
	if err != nil || !u.IsAbs() {
		add(ItemLoginRedirect, Fail, "the redirect %q is not an absolute URL", loc)
		return items, nil
	}
	q = u.Query()
	endpoint := u.Scheme + "://" + u.Host + u.Path
	if t.AuthorizeURL != "" && endpoint != t.AuthorizeURL {
		add(ItemLoginRedirect, Fail, "the login goes to %s, not authentik's %s: %s", endpoint, t.AuthorizeURL, c.elsewhere)
		return items, q
	}
	add(ItemLoginRedirect, Pass, "%s", endpoint)
	if got := q.Get("client_id"); got == t.ClientID {
		add(ItemClientIDSent, Pass, "%s", got)
	} else {
		add(ItemClientIDSent, Fail, "%s sends client_id %q, authentik's is %q: %s", app, got, t.ClientID, c.clientID)
	}
	if got := q.Get("redirect_uri"); got == t.RedirectURI {
		add(ItemRedirectSent, Pass, "%s", got)
	} else {
		add(ItemRedirectSent, Fail, "%s sends redirect_uri %q, expected %q: %s", app, got, t.RedirectURI, c.redirectURI)
	}
	if len(t.Scopes) > 0 {
		got := strings.Fields(q.Get("scope"))
		if sameSet(got, t.Scopes) {
			add(ItemScopeSent, Pass, "%s", strings.Join(got, " "))
		} else {
			add(ItemScopeSent, Fail, "%s asks for scope %q, the provider declares %q: %s", app, strings.Join(got, " "), strings.Join(t.Scopes, " "), c.scope)
		}
	}
	return items, q
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// isRedirect reports a redirect status.
func isRedirect(status int) bool {
	return status == http.StatusFound || status == http.StatusSeeOther || status == http.StatusTemporaryRedirect || status == http.StatusMovedPermanently || status == http.StatusPermanentRedirect
}
