import requests
import time

# Start background task
response = requests.post("http://localhost:8000/graph/run/background", json={
    "graph_id": "seed-code-review",
    "initial_state": {
        "code": "def test(): pass",
        "threshold": 7
    }
})

run_id = response.json()["run_id"]
print(f"Task started: {run_id}")

# Poll for completion
while True:
    status = requests.get(f"http://localhost:8000/graph/background/{run_id}/status")
    task_status = status.json()["task_status"]
    
    print(f"Status: {task_status}")
    
    if task_status in ["completed", "failed"]:
        break
    
    time.sleep(1)

# Get final results
result = requests.get(f"http://localhost:8000/graph/state/{run_id}")
print("Final state:", result.json())
