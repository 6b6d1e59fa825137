import asyncio
import websockets
import json

async def stream_workflow():
    uri = "ws://localhost:8000/ws/graph/run/seed-code-review"
    
    async with websockets.connect(uri) as websocket:
        # Send initial state
        await websocket.send(json.dumps({
            "initial_state": {
                "code": "def test(): pass",
                "threshold": 7
            }
        }))
        
        # Receive events
        while True:
            message = await websocket.recv()
            event = json.loads(message)
            
            print(f"Event: {event['type']}")
            
            if event['type'] == 'complete':
                print("Workflow completed!")
                break

asyncio.run(stream_workflow())
