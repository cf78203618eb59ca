package emulator

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

type handler func(c *httpapi.Call) httpapi.Resp

// route serves one collection path and its detail path.
type route struct {
	prefix     string // path below /api/v3/, with trailing slash
	collection map[string]handler
	detail     map[string]handler
	anonymous  bool // AllowAny (authentication still runs)
	noDetail   bool
	// actions are DRF @action routes: detail ones at "{id}/<name>/",
	// collection ones at "<name>/" (matched before a detail id).
	detailActions     map[string]action
	collectionActions map[string]action
	// model is the route's model (app_label.model) whose permissions a
	// non-superuser needs (identity.go); "" for none checked here.
	model string
}

// action is one extra viewset route.
type action struct {
	methods   map[string]handler
	anonymous bool // permission_classes=[AllowAny]
}

// routes is the route table, built once per emulator: its handlers are
// method values bound to e, and nothing in it changes afterwards (it was
// built for every request, 7% of the e2e suite's CPU).
func (e *Emulator) routes() []route {
	e.routesOnce.Do(func() { e.routeTable = e.buildRoutes() })
	return e.routeTable
}

func (e *Emulator) buildRoutes() []route {
	return append([]route{
		{prefix: "core/transactional/applications/", noDetail: true,
			collection: map[string]handler{http.MethodPut: e.putTransactionalApplication}},
		{prefix: "core/tokens/", collection: methods(e.listTokens, e.createToken),
			detail: detailMethods(e.getToken, e.putToken, e.patchToken, e.deleteToken),
			detailActions: map[string]action{
				"view_key": {methods: map[string]handler{http.MethodGet: e.viewKey}},
				"set_key":  {methods: map[string]handler{http.MethodPost: e.setKey}},
			}},
		{prefix: "rbac/roles/", collection: methods(e.listRoles, e.createRole),
			detail: detailMethods(e.getRole, e.putRole, e.patchRole, e.deleteRole)},
		{prefix: "rbac/permissions/assigned_by_roles/", collection: map[string]handler{},
			detailActions: map[string]action{
				"assign":   {methods: map[string]handler{http.MethodPost: e.assignPermissions}},
				"unassign": {methods: map[string]handler{http.MethodPatch: e.unassignPermissions}},
			}},
		{prefix: "rbac/permissions/roles/", collection: methods(e.listRoleObjectPermissions, nil), noDetail: true},
		{prefix: "rbac/permissions/", collection: methods(e.listPermissions, nil), noDetail: true},
		{prefix: "core/users/me/", collection: map[string]handler{http.MethodGet: e.me}, noDetail: true},
		{prefix: "admin/version/", collection: map[string]handler{http.MethodGet: e.version}, noDetail: true},
		e.settingsRoute(),
		{prefix: "root/config/", collection: map[string]handler{http.MethodGet: e.rootConfig}, noDetail: true, anonymous: true},
		{prefix: "core/users/", collection: methods(e.listUsers, e.createUser),
			detail: detailMethods(e.getUser, e.putUser, e.patchUser, e.deleteUser),
			detailActions: map[string]action{
				"set_password": {methods: map[string]handler{http.MethodPost: e.setPassword}},
			}},
	}, e.genericRoutes()...)
}

// genericKinds are the kinds served by the generic CRUD layer (kinds.go).
var genericKinds = append([]genericKind{keypairKind, applicationKind, oauth2ProviderKind, proxyProviderKind,
	samlProviderKind, ldapProviderKind, samlMappingKind, scopeMappingKind, groupKind, bindingKind, outpostKind,
	blueprintKind, flowKind, flowBindingKind, promptKind, allStagesKind, allProvidersKind, allMappingsKind,
	allPoliciesKind, allSourcesKind, brandKind, radiusProviderKind, scimProviderKind, racProviderKind, racEndpointKind,
	entitlementKind, transportKind, ruleKind, notificationMappingKind},
	slices.Concat(stageKinds, policyKinds, sourceKinds, serviceConnectionKinds)...)

func (e *Emulator) genericRoutes() []route {
	out := make([]route, 0, len(genericKinds))
	for _, k := range genericKinds {
		out = append(out, k.route(e))
	}
	return out
}

func methods(list, create handler) map[string]handler {
	m := map[string]handler{http.MethodGet: list}
	if create != nil {
		m[http.MethodPost] = create
	}
	return m
}

func detailMethods(get, put, patch, del handler) map[string]handler {
	return map[string]handler{http.MethodGet: get, http.MethodPut: put, http.MethodPatch: patch, http.MethodDelete: del}
}

// ServeHTTP handles one request: latency, faults, then the emulated API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	recorded := false
	logIt := func() {
		if !recorded {
			recorded = true
			rec.Duration = time.Since(start)
			e.record(rec)
		}
	}
	defer logIt()

	e.mu.Lock()
	latency := e.latency
	e.mu.Unlock()
	if latency > 0 {
		if err := e.clock.Sleep(r.Context(), latency); err != nil {
			rec.Status = 499 // client went away, as nginx logs it
			panic(http.ErrAbortHandler)
		}
	}

	body, err := io.ReadAll(r.Body)
	if err != nil {
		rec.Status = http.StatusBadRequest
		logIt()
		http.Error(w, fmt.Sprintf("read body: %v", err), http.StatusBadRequest)
		return
	}

	truncate := false
	if f := e.pickFault(r.Method, r.URL.Path); f != nil {
		switch f.Kind {
		case FaultDrop:
			rec.Status = 0
			logIt() // before the client sees the connection close and moves on
			httpapi.DropConnection(w)
			return
		case FaultTruncate:
			truncate = true
		default:
			st := f.Status
			if st == 0 {
				st = http.StatusInternalServerError
			}
			rec.Status = st
			logIt() // before the answer: a client that has it may read the log at once
			httpapi.WriteResp(w, httpapi.Detail(st, "injected fault"), false)
			return
		}
	}

	e.mu.Lock()
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		e.st.Idx = &store.ReadIndex{} // reads only: see store/index.go
	}
	res := e.dispatch(r, body)
	e.st.Idx = nil
	e.mu.Unlock()
	rec.Status = res.Status
	// Recorded before the answer is written: a large answer is flushed
	// while it is written, so a client (a test counting requests) could
	// otherwise have it before the log does.
	logIt()
	httpapi.WriteResp(w, res, truncate)
}

// dispatch routes a request; it runs with e.mu held.
func (e *Emulator) dispatch(r *http.Request, body []byte) httpapi.Resp {
	p := r.URL.Path
	if !strings.HasPrefix(p, httpapi.APIPrefix) {
		return e.views.ServeOIDC(r, body)
	}
	rest := strings.TrimPrefix(p, httpapi.APIPrefix)
	if !strings.HasSuffix(rest, "/") {
		return httpapi.NotFound()
	}
	var rt *route
	id := ""
	var handlers map[string]handler
	anonymous := false
	for _, cand := range e.routes() {
		if rest == cand.prefix {
			rt, handlers, anonymous = &cand, cand.collection, cand.anonymous
			break
		}
		tail, ok := strings.CutPrefix(rest, cand.prefix)
		if !ok || cand.noDetail {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(tail, "/"), "/")
		switch {
		case len(parts) == 1 && parts[0] != "":
			if a, ok := cand.collectionActions[parts[0]]; ok {
				rt, handlers, anonymous = &cand, a.methods, a.anonymous
			} else {
				rt, id, handlers, anonymous = &cand, parts[0], cand.detail, cand.anonymous
			}
		case len(parts) == 2 && parts[0] != "":
			if a, ok := cand.detailActions[parts[1]]; ok {
				rt, id, handlers, anonymous = &cand, parts[0], a.methods, a.anonymous
			}
		}
		if rt != nil {
			break
		}
	}
	if rt == nil {
		return httpapi.NotFound()
	}
	auth, user := e.authenticate(r)
	switch auth {
	case authInvalid:
		return httpapi.Detail(http.StatusForbidden, msgTokenInvalid)
	case authNone:
		if !anonymous {
			if id != "" {
				return httpapi.Detail(http.StatusForbidden, msgNoPermission)
			}
			return httpapi.Detail(http.StatusForbidden, msgNoCredentials)
		}
	}
	h := handlers[r.Method]
	if h != nil && auth == authOK {
		if res, denied := e.enforce(rt, r, id, handlers, user); denied {
			return res
		}
	}
	if h == nil {
		allowed := make([]string, 0, len(handlers))
		for m := range handlers {
			allowed = append(allowed, m)
		}
		sort.Strings(allowed)
		res := httpapi.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method))
		res.Hdr = http.Header{"Allow": {strings.Join(allowed, ", ")}}
		return res
	}
	return h(&httpapi.Call{R: r, Body: body, Q: r.URL.Query(), ID: id, User: user})
}
