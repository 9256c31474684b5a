vcl 4.1;

import std;

# Newsroom's front door: Varnish keeps public pages for as long as the site says (s-maxage),
# and drops them the moment the site says so. Every public page carries the surrogate keys of
# what it shows (Surrogate-Key: story-42 list-latest ...); after each change the site sends
# `PURGE /` with the changed keys in Purge-Keys (articles/purge.py), and every page that
# carries one of them is banned at once. The tests start a real varnishd with this file
# (tests/site/test_varnish.py), with the backend below pointed at their own gunicorn.

backend web {
    .host = "web";
    .port = "8000";
}

# Who may purge: the app servers, and nothing else on their networks (a purge drops pages, so
# anyone allowed to send one can empty the cache onto the app servers). List each app server
# here, by address or by host name: a name is resolved when the VCL loads and each of its
# addresses counts (compose's "web", however many replicas); in parentheses, a name that does
# not resolve is skipped rather than failing the load. "localhost" is an app server on the
# same host. After adding servers, reload the VCL (varnishreload).
acl purgers {
    "localhost";
    ("web");
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Only the site's own key alphabet reaches the ban's regular expression.
        if (req.http.Purge-Keys !~ "^[a-z0-9-]+( [a-z0-9-]+)*$") {
            return (synth(400, "Purge-Keys: surrogate keys separated by spaces"));
        }
        # A ban's expression is split at spaces and takes no quotes: the regex has no space.
        if (!std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])("
                + regsuball(req.http.Purge-Keys, " ", "|") + ")([[:space:]]|$)")) {
            return (synth(500, std.ban_error()));
        }
        return (synth(200, "Banned"));
    }
    # The site sends no Last-Modified (its ETag follows the bytes exactly); Varnish would
    # compare If-Modified-Since with the time it fetched the page instead, and answer 304 to
    # a client whose copy is older than a change.
    unset req.http.If-Modified-Since;
    # Editors are signed in (a cookie): Varnish's built-in rules pass them to the site.
}

sub vcl_backend_response {
    # A banned page is gone, never served stale while it is fetched again.
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    # Pages the site keeps private (a query it does not read, the admin) or gives no shared
    # lifetime are not stored at all, not even as a marker per address; nor is anything the
    # site sent without Cache-Control (a "not found" above all: no purge would ever drop it,
    # and a story asked for before it went live would stay "not found" after).
    if (beresp.ttl <= 0s || !beresp.http.Cache-Control
            || beresp.http.Cache-Control ~ "private|no-store|no-cache") {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
}
