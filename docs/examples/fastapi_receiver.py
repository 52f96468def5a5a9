import os

from fastapi import FastAPI, HTTPException, Request

from pairhub.receiver import InvalidSignature, PairingsView, Receiver

app = FastAPI()
receiver = Receiver(os.environ["PAIRHUB_WEBHOOK_SECRET"].split())  # both secrets during a rotation
pairings = PairingsView()  # unit id -> asset id, kept current by the events


@app.post("/pairhub")
async def pairhub_webhook(request: Request) -> dict[str, str]:
    try:
        batch = receiver.receive(dict(request.headers), await request.body())
    except InvalidSignature as error:
        raise HTTPException(status_code=401, detail=str(error)) from error
    if batch is not None:  # None: a retry of a batch already applied
        pairings.apply(batch.events)
    return {"status": "ok"}
