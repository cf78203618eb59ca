package httpapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// getter reads one rendered field of a listed object. A list renders an
// object only when a filter, search or ordering needs a field it has no
// fast accessor for, or when the object is on the page (lazyList).
type Getter func(name string) any

// filterSpec is one django-filter query parameter. match is called only when
// the parameter has a value: a single-value filter gets the last value
// (QueryDict.get; an empty one filters nothing), a multi-value filter
// (multi) every non-empty one (QueryDict.getlist).
type FilterSpec struct {
	Param string
	Match func(o Getter, vals []string) bool
	Multi bool
}

// listSpec describes a list endpoint.
type ListSpec struct {
	Filters      []FilterSpec
	SearchFields []string
	Order        []string // default ordering
	OrderFields  []string // allowed for ?ordering=; nil means any rendered field
	// MaxPageSize caps a page_size asked for below the tenant's 100:
	// authentik's SmallerPagination (authentik/api/pagination.py,
	// max_page_size 10). 0 for the usual Pagination.
	MaxPageSize int
}

func FmtVal(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

func Exact(param, field string) FilterSpec {
	return FilterSpec{Param: param, Match: func(o Getter, v []string) bool { return o(field) != nil && FmtVal(o(field)) == v[0] }}
}

func IExact(param, field string) FilterSpec {
	return FilterSpec{Param: param, Match: func(o Getter, v []string) bool {
		return o(field) != nil && strings.EqualFold(FmtVal(o(field)), v[0])
	}}
}

func IContains(param, field string) FilterSpec {
	return FilterSpec{Param: param, Match: func(o Getter, v []string) bool {
		return o(field) != nil && strings.Contains(strings.ToLower(FmtVal(o(field))), strings.ToLower(v[0]))
	}}
}

// boolExact is a BooleanFilter; an unparsable value does not filter.
func BoolExact(param, field string) FilterSpec {
	return FilterSpec{Param: param, Match: func(o Getter, v []string) bool {
		b, err := ParseBool(v[0])
		if err != nil {
			return true
		}
		return o(field) == b
	}}
}

// isNull is a `<field>__isnull` filter on a rendered field that is null or "" when unset.
func IsNull(param, field string) FilterSpec {
	return FilterSpec{Param: param, Match: func(o Getter, v []string) bool {
		b, err := ParseBool(v[0])
		if err != nil {
			return true
		}
		return (o(field) == nil || o(field) == "") == b
	}}
}

// inList is a multi-value filter matching when the object's field equals any value.
func InList(param, field string) FilterSpec {
	return FilterSpec{Param: param, Multi: true, Match: func(o Getter, v []string) bool { return slices.Contains(v, FmtVal(o(field))) }}
}

// listContains matches when the rendered list field contains the value (case-insensitive).
func ListContains(param, field string) FilterSpec {
	return FilterSpec{Param: param, Multi: true, Match: func(o Getter, v []string) bool {
		items, _ := o(field).([]any)
		for _, it := range items {
			for _, want := range v {
				if strings.EqualFold(FmtVal(it), want) {
					return true
				}
			}
		}
		return false
	}}
}

func ParseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("parse bool %q", s)
}

// last is a query parameter as Django's QueryDict.get and [] read it: the
// last value when it is repeated (url.Values.Get gives the first). Single-
// value filters, search, ordering and pagination read it so.
func (c *Call) Last(param string) string {
	if vs := c.Q[param]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// queryValues returns the non-empty values of a query parameter.
func (c *Call) QueryValues(param string) []string {
	var out []string
	for _, v := range c.Q[param] {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// list filters, searches, orders and paginates rendered objects.
func List(c *Call, objs []map[string]any, spec ListSpec) Resp {
	return ListLazy(c, LazyList{N: len(objs), Render: func(i int) map[string]any { return objs[i] }}, spec)
}

// lazyList is a list endpoint's objects, rendered on demand: a page costs
// the renders of its own objects plus, for the whole list, only the fast
// field reads its filters and ordering need.
type LazyList struct {
	N int
	// render renders object i as the list shows it, including any private
	// "_..." keys filters use.
	Render func(i int) map[string]any
	// fast returns a rendered field of object i without rendering it, when
	// that is cheap; ok=false falls back to render. Its values must equal
	// the rendered ones (same Go types: strings, bools, json.Number, nil).
	Fast func(i int, name string) (v any, ok bool)
	// keep, when not nil, is a further condition on object i (a
	// permission check), tested after the cheaper query filters.
	Keep func(i int) bool
}

// noFastFields makes lists render every object they filter or order (a
// test's reference for the fast field reads).
var NoFastFields bool

// listLazy filters, searches, orders and paginates a lazyList.
func ListLazy(c *Call, l LazyList, spec ListSpec) Resp {
	rendered := make(map[int]map[string]any)
	get := func(i int, name string) any {
		if m, ok := rendered[i]; ok {
			return m[name]
		}
		if l.Fast != nil && !NoFastFields {
			if v, ok := l.Fast(i, name); ok {
				return v
			}
		}
		m := l.Render(i)
		rendered[i] = m
		return m[name]
	}
	var active []FilterSpec
	var activeVals [][]string
	for _, f := range spec.Filters {
		var vals []string
		if f.Multi {
			vals = c.QueryValues(f.Param)
		} else if v := c.Last(f.Param); v != "" {
			vals = []string{v}
		}
		if len(vals) > 0 {
			active, activeVals = append(active, f), append(activeVals, vals)
		}
	}
	search := ""
	if len(spec.SearchFields) > 0 {
		search = c.Last("search")
	}
	var out []int
	for i := 0; i < l.N; i++ {
		o := func(name string) any { return get(i, name) }
		keep := true
		for fi, f := range active {
			if !f.Match(o, activeVals[fi]) {
				keep = false
				break
			}
		}
		if keep && search != "" {
			keep = searchMatches(o, search, spec.SearchFields)
		}
		if keep && l.Keep != nil {
			keep = l.Keep(i)
		}
		if keep {
			out = append(out, i)
		}
	}
	orderRows(out, spec.Order, get)
	if ord := c.Last("ordering"); ord != "" {
		var keys []string
		for _, k := range strings.Split(ord, ",") {
			k = strings.TrimSpace(k)
			name := strings.TrimPrefix(k, "-")
			if spec.OrderFields != nil && !slices.Contains(spec.OrderFields, name) {
				continue
			}
			if spec.OrderFields == nil && len(out) > 0 {
				get(out[0], "") // render it: presence is a property of the rendering
				if _, ok := rendered[out[0]][name]; !ok {
					continue
				}
			}
			keys = append(keys, k)
		}
		if len(keys) > 0 {
			orderRows(out, keys, get)
		}
	}
	return paginate(c, len(out), spec.MaxPageSize, func(lo, hi int) []map[string]any {
		results := make([]map[string]any, 0, hi-lo)
		for _, i := range out[lo:hi] {
			m, ok := rendered[i]
			if !ok {
				m = l.Render(i)
			}
			results = append(results, m)
		}
		return results
	})
}

// searchMatches implements DRF SearchFilter: every term must be a
// case-insensitive substring of at least one search field.
func searchMatches(o Getter, search string, fields []string) bool {
	for _, term := range strings.Fields(strings.ReplaceAll(search, ",", " ")) {
		term = strings.ToLower(term)
		found := false
		for _, f := range fields {
			if strings.Contains(strings.ToLower(FmtVal(o(f))), term) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// orderRows sorts object indexes by the rendered fields named by keys
// ("-name" descending), stably, reading each key once per object.
func orderRows(rows []int, keys []string, get func(i int, name string) any) {
	if len(rows) < 2 || len(keys) == 0 {
		return
	}
	type sortKey struct {
		num bool // a json.Number: compared as a number with other numbers
		f   float64
		s   string
	}
	vals := make([][]sortKey, len(keys))
	for ki, k := range keys {
		name := strings.TrimPrefix(k, "-")
		vals[ki] = make([]sortKey, len(rows))
		for r, i := range rows {
			v := get(i, name)
			sk := sortKey{s: FmtVal(v)}
			if n, ok := v.(json.Number); ok {
				sk.num = true
				sk.f, _ = n.Float64()
			}
			vals[ki][r] = sk
		}
	}
	// Sort a permutation of positions; ties keep their position (stable).
	perm := make([]int, len(rows))
	for r := range perm {
		perm[r] = r
	}
	sort.Slice(perm, func(a, b int) bool {
		pa, pb := perm[a], perm[b]
		for ki, k := range keys {
			x, y := vals[ki][pa], vals[ki][pb]
			var c int
			if x.num && y.num {
				switch {
				case x.f < y.f:
					c = -1
				case x.f > y.f:
					c = 1
				}
			} else {
				c = strings.Compare(x.s, y.s)
			}
			if c == 0 {
				continue
			}
			if strings.HasPrefix(k, "-") {
				return c > 0
			}
			return c < 0
		}
		return pa < pb
	})
	sorted := make([]int, len(rows))
	for r, p := range perm {
		sorted[r] = rows[p]
	}
	copy(rows, sorted)
}

// paginate builds authentik's AutocompletePagination envelope over count
// objects; page renders the objects [lo, hi). A page_size asked for is
// capped at maxSize when set (DRF's max_page_size), then at the tenant's
// 100; without one the page has the tenant's default size.
func paginate(c *Call, count, maxSize int, page func(lo, hi int) []map[string]any) Resp {
	size := defaultPageSize
	if s, err := strconv.Atoi(c.Last("page_size")); err == nil && s > 0 {
		if maxSize > 0 {
			s = min(s, maxSize)
		}
		size = min(s, maxPageSize)
	}
	pages := max(1, (count+size-1)/size)
	n := 1
	if ps := c.Last("page"); ps != "" {
		if ps == "last" {
			n = pages
		} else {
			v, err := strconv.Atoi(ps)
			if err != nil || v < 1 || v > pages {
				return Detail(404, "Invalid page.")
			}
			n = v
		}
	}
	lo := (n - 1) * size
	hi := min(lo+size, count)
	results := page(lo, hi)
	next, prev := 0, 0
	if n < pages {
		next = n + 1
	}
	if n > 1 {
		prev = n - 1
	}
	start, end := 0, 0
	if count > 0 {
		start, end = lo+1, hi
	}
	return Resp{Status: 200, Body: map[string]any{
		"pagination": map[string]any{
			"next": next, "previous": prev, "count": count, "current": n,
			"total_pages": pages, "start_index": start, "end_index": end,
		},
		"results":      results,
		"autocomplete": map[string]any{},
	}}
}

// checkChoiceFilters adds the errors of django-filter's ChoiceFilter (single:
// the last value counts, as QueryDict.get) and MultipleChoiceFilter /
// AllValuesMultipleFilter (multi: every value counts) to r, the result of
// other filter checks (nil when they passed). A value outside the choices is
// a 400, not an empty list.
func CheckChoiceFilters(c *Call, single, multi map[string][]string, r *Resp) *Resp {
	errs := map[string]any{}
	if r != nil {
		errs = r.Body.(map[string]any)
	}
	bad := func(param, v string) {
		errs[param] = []string{fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", v)}
	}
	for param, allowed := range single {
		if v := c.Last(param); v != "" && !slices.Contains(allowed, v) {
			bad(param, v)
		}
	}
	for param, allowed := range multi {
		for _, v := range c.QueryValues(param) {
			if !slices.Contains(allowed, v) {
				bad(param, v)
				break
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &Resp{Status: 400, Body: errs}
}
