"""Exit 0 when the Redis server named by a redis:// URL answers PING, 1 otherwise."""

import sys


def main(url: str) -> int:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "not available"
        print(f"   ({type(exc).__name__}: {str(exc).strip()[:200]})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
