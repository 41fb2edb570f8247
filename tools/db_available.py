"""Exit 0 when the PostgreSQL server named by a DATABASE_URL answers, 1 otherwise."""

import sys

import dj_database_url


def main(url: str) -> int:
    cfg = dj_database_url.parse(url)
    try:
        import psycopg

        psycopg.connect(
            host=cfg["HOST"] or "127.0.0.1",
            port=cfg["PORT"] or 5432,
            user=cfg["USER"] or "postgres",
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except Exception as exc:  # any failure means "not available"
        print(f"   ({type(exc).__name__}: {str(exc).strip()[:200]})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
