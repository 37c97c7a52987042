"""MQTT ingest worker: a thin gateway in front of the ingest service (CONVENTIONS 8).

Topic scheme: ``<MQTT_TOPIC_PREFIX>/readings/<county code>/<统一社会信用代码>``, payload as the HTTP API
(``{"readings": [{"point", "ts", "value"}, …]}``), QoS 1. A worker subscribes to the counties it is given
(ANSHENG_MQTT_INGEST_COUNTIES, or all), so one enterprise's (and so one point's) readings always reach one worker,
in order. It keeps a persistent session (a fixed client id, clean start off) so the broker holds messages for it
while it is down, and it acknowledges a message (manual PUBACK) only after the readings are committed: a worker
killed at any moment loses nothing it acknowledged, and what it had not acknowledged is delivered again and stored
once (the service is idempotent on (point, ts)).

Messages are gathered into batches (MQTT_BATCH_READINGS readings or MQTT_BATCH_MS milliseconds) and stored in one
transaction, which is what makes MQTT ingestion as fast as the HTTP batches.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext as _

from ansheng.monitoring import conf
from ansheng.monitoring.choices import Channel
from ansheng.monitoring.ingest import Submission, excerpt, ingest, parse_payload

logger = logging.getLogger("ansheng.monitoring.mqtt")


@dataclass
class Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


def topics(counties: list[str] | None = None) -> list[str]:
    prefix = conf.topic_prefix()
    if not counties:
        return [f"{prefix}/readings/+/+"]
    return [f"{prefix}/readings/{county}/+" for county in counties]


def topic_for(county: str, credit_code: str) -> str:
    return f"{conf.topic_prefix()}/readings/{county}/{credit_code}"


def client_id_for(counties: list[str] | None) -> str:
    configured = conf.get("MONITORING_MQTT_CLIENT_ID")
    if configured:
        return str(configured)
    return f"{conf.topic_prefix()}-ingest-{'-'.join(sorted(counties)) if counties else 'all'}"[:64]


class Enterprises:
    """统一社会信用代码 → (enterprise id, county) for topic routing, reloaded on a miss at most every 5 seconds."""

    def __init__(self) -> None:
        self._map: dict[str, tuple[int, str]] = {}
        self._loaded = 0.0

    def get(self, credit_code: str) -> tuple[int, str] | None:
        found = self._map.get(credit_code)
        if found is None and time.monotonic() - self._loaded > 5:
            from ansheng.enterprises.models import Enterprise

            self._map = {
                code: (pk, county)
                for pk, code, county in Enterprise.objects.values_list("pk", "credit_code", "county_id")
            }
            self._loaded = time.monotonic()
            found = self._map.get(credit_code)
        return found


def submission_for(message: Message, enterprises: Enterprises) -> Submission:
    """Decode one message into a submission bound to the enterprise its topic names (or a refusal)."""
    parts = message.topic.rsplit("/", 3)
    source = message.topic[:200]
    if len(parts) != 4 or parts[1] != "readings":
        return Submission(
            None,
            Channel.MQTT,
            source=source,
            error=("invalid_topic", _("主题格式无效")),
            payload=excerpt(message.payload),
        )
    _prefix, _readings, county, credit_code = parts
    found = enterprises.get(credit_code)
    if found is None:
        return Submission(
            None,
            Channel.MQTT,
            source=source,
            region_code=county[:12],
            error=("unknown_enterprise", _("主题中的统一社会信用代码未登记")),
            payload=excerpt(message.payload),
        )
    enterprise_id, enterprise_county = found
    if enterprise_county != county:
        return Submission(
            enterprise_id,
            Channel.MQTT,
            source=source,
            region_code=enterprise_county,
            error=("wrong_county", _("主题中的区县代码与企业所在区县不符")),
            payload=excerpt(message.payload),
        )
    items, error = parse_payload(message.payload)
    return Submission(
        enterprise_id,
        Channel.MQTT,
        items=items,
        source=source,
        region_code=county,
        error=error,
        payload=excerpt(message.payload) if error else "",
    )


class IngestWorker:
    def __init__(
        self, counties: list[str] | None = None, *, client_id: str | None = None, url: str | None = None
    ) -> None:
        self.counties = counties if counties is not None else list(conf.get("MONITORING_MQTT_COUNTIES"))
        self.client_id = client_id or client_id_for(self.counties)
        parsed = urlparse(url or settings.MQTT_URL)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
        self.username = parsed.username
        self.password = parsed.password
        self.tls = parsed.scheme == "mqtts"
        self.queue: queue.Queue[Message] = queue.Queue()
        self.enterprises = Enterprises()
        self.batch_readings = conf.get("MONITORING_MQTT_BATCH_READINGS")
        self.batch_seconds = conf.get("MONITORING_MQTT_BATCH_MS") / 1000
        self.acked = 0
        self.stored = 0
        self.connected = threading.Event()
        self.client: Any = None

    # --- MQTT ---------------------------------------------------------------------------------------------------

    def _client(self) -> Any:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv5, manual_ack=True
        )
        if self.username:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set()
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.reconnect_delay_set(1, 30)
        return client

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            logger.warning("MQTT connection refused: %s", reason)
            return
        for topic in topics(self.counties):
            client.subscribe(topic, qos=1)
        self.connected.set()
        logger.info("MQTT ingest %s subscribed to %s", self.client_id, ", ".join(topics(self.counties)))

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.connected.clear()
        if getattr(reason, "is_failure", False):
            logger.warning("MQTT ingest disconnected (%s); reconnecting", reason)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        self.queue.put(Message(message.topic, message.payload, message.mid, message.qos))

    def connect(self, stop: threading.Event) -> bool:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.client = self._client()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 7 * 86400  # the broker keeps our queue a week while we are away
        properties.ReceiveMaximum = conf.get("MONITORING_MQTT_RECEIVE_MAXIMUM")
        delay = 1.0
        warned = False
        while not stop.is_set():
            try:
                self.client.connect(self.host, self.port, keepalive=30, clean_start=False, properties=properties)
                return True
            except OSError as exc:
                if not warned:
                    logger.warning("MQTT broker %s:%s unreachable (%s); retrying", self.host, self.port, exc)
                    warned = True
                stop.wait(delay)
                delay = min(delay * 2, 30)
        return False

    # --- batches ------------------------------------------------------------------------------------------------

    def _gather(self, stop: threading.Event) -> list[Message]:
        try:
            first = self.queue.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        readings = first.payload.count(b'"point"')
        deadline = time.monotonic() + self.batch_seconds
        while readings < self.batch_readings and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                message = self.queue.get(timeout=remaining)
            except queue.Empty:
                break
            batch.append(message)
            readings += message.payload.count(b'"point"')
        return batch

    def store(self, batch: list[Message]) -> None:
        """Store a batch, retrying until the database takes it; then acknowledge every message of it.

        A batch that keeps failing is split, so one message the service cannot take does not hold up the others;
        a single message that still fails after many tries goes to the rejection log (and is acknowledged), so
        nothing is dropped silently and nothing blocks the stream forever.
        """
        delay = 0.5
        attempts = 0
        while True:
            try:
                close_old_connections()
                started = time.monotonic()
                submissions = [submission_for(message, self.enterprises) for message in batch]
                decoded = time.monotonic()
                _results, totals = ingest(submissions)
                self.stored += totals.stored
                logger.debug(
                    "stored %s messages (%s readings): decode %.0f ms, ingest %.0f ms, queue %s",
                    len(batch),
                    totals.received,
                    (decoded - started) * 1000,
                    (time.monotonic() - decoded) * 1000,
                    self.queue.qsize(),
                )
                break
            except Exception:  # the database is away, or a message the service cannot take
                attempts += 1
                logger.exception("MQTT ingest: storing %s messages failed (attempt %s)", len(batch), attempts)
                if attempts >= 5 and len(batch) > 1:
                    for message in batch:
                        self.store([message])
                    return
                if attempts >= 10 and self._refuse(batch[0]):
                    break
                time.sleep(delay)
                delay = min(delay * 2, 10)
        for message in batch:
            if message.qos:
                self.client.ack(message.mid, message.qos)
                self.acked += 1

    def _refuse(self, message: Message) -> bool:
        try:
            close_old_connections()
            ingest(
                [
                    Submission(
                        None,
                        Channel.MQTT,
                        source=message.topic[:200],
                        payload=excerpt(message.payload),
                        error=("server_error", _("服务器无法处理该报文，已记录")),
                    )
                ]
            )
        except Exception:
            logger.exception("MQTT ingest: cannot record the refusal either")
            return False
        return True

    def run(self, stop: threading.Event) -> None:
        if not self.connect(stop):
            return
        self.client.loop_start()
        try:
            while not stop.is_set():
                batch = self._gather(stop)
                if batch:
                    self.store(batch)
        finally:
            # Messages gathered but not stored are not acknowledged: the broker delivers them again.
            self.client.disconnect()
            self.client.loop_stop()
            close_old_connections()


def run(stop: threading.Event, counties: list[str] | None = None, client_id: str | None = None) -> None:
    IngestWorker(counties, client_id=client_id).run(stop)


def publish_readings(client: Any, county: str, credit_code: str, readings: list[dict[str, Any]], qos: int = 1) -> Any:
    """Publish one message of readings for an enterprise (simulator, tests, benchmark)."""
    import json

    return client.publish(
        topic_for(county, credit_code), json.dumps({"readings": readings}, ensure_ascii=False), qos=qos
    )
